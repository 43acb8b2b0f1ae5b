"""Programs of the seventh acceptance hunt, aimed at what the last round changed: shapes
followed in the order the code runs (a name assigned many times, broadcasting on one path
only, reshape/transpose/newaxis, 0-d against (1,) against a float), the export's
zero-safe twins (kinks at 0, np.where with NaN in the arm not taken), writes into items of
containers the function built (copies taken before and after, the same item held twice),
attributes of objects built in the code, lists of arrays in the export, a copy serving as a
save, and one parse per kind of argument on the first call. Each program has an
adversarial twin (aliasing, rebinding, redefinition, kinks, odd dtypes). Every entry of
CASES is (name, f, args, wrt): astgrad must give Python's derivative, or refuse. Used by
tests/test_hunt7_programs.py."""

import collections
import copy
import dataclasses
import functools

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
Z3 = np.array([0.0, 0.7, -0.5])
M23 = np.array([[0.4, -0.2, 0.9], [1.1, 0.3, -0.6]])
M33 = np.array([[1.2, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.3, 0.2, 1.1]])
X1 = np.array([0.7])
X0 = np.array(0.6)
CASES, case = case_table((X3, 0.8))


# -- shapes followed in the order the code runs ------------------------------------------

@case("s01 a name assigned an array, then a float, then an array again")
def s01(x, w):
    a = x * w
    s = np.sum(a)
    a = s * w
    a = a + x
    return np.sum(a * x)


@case("s02 twin: the float rebound from the sum broadcast against a (2, 3) array", args=(M23, 0.8))
def s02(x, w):
    a = np.sum(x, axis=0)
    a = a * w
    b = x * a
    a = np.sum(b)
    return a * w + np.sum(b * b)


@case("s03 a = x * y where y is a list of floats")
def s03(x, w):
    y = [w, 2.0 * w, 0.5]
    a = x * y
    return np.sum(a * a)


@case("s04 twin: y a list of one float, broadcast")
def s04(x, w):
    y = [w]
    a = x * y
    a = a * x
    return np.sum(a) + a[1]


@case("s05 a = x * y where y is an int")
def s05(x, w):
    y = 3
    a = x * y
    a = a * w
    return np.sum(a ** 2)


@case("s06 broadcasting on one branch only (shape (3,) against (2, 3))", args=(M23, X3))
def s06(m, w):
    a = w
    if np.sum(w) > 0:
        a = m * w
    return np.sum(a * a)


@case("s07 twin: the branch not taken broadcasts", args=(M23, X3))
def s07(m, w):
    a = w
    if np.sum(w) < -10:
        a = m * w
    return np.sum(a * a) + np.sum(m)


@case("s08 a shape changing in a loop: a row vector becomes a matrix", args=(M23, X3))
def s08(m, w):
    a = w
    for _ in range(2):
        a = a * m[0]
        a = a + m
        a = np.sum(a, axis=0)
    return np.sum(a * w)


@case("s09 twin: the loop broadcasts on every step but the first", args=(M23, X3))
def s09(m, w):
    a = w
    for i in range(3):
        if i > 0:
            a = a * m
        else:
            a = a * w
    return np.sum(a)


@case("s10 np.newaxis broadcasting an outer product", args=(X3, X4))
def s10(x, w):
    a = x[:, np.newaxis] * w
    a = a + x[:, None]
    return np.sum(np.tanh(a))


@case("s11 twin: the newaxis name rebound to the 1-d one", args=(X3, X4))
def s11(x, w):
    a = x[:, np.newaxis]
    b = a * w
    a = x
    c = a * np.sum(b, axis=1)
    return np.sum(c ** 2)


@case("s12 reshape then broadcast", args=(X4, X4))
def s12(x, w):
    a = x.reshape(2, 2)
    b = a * w[:2]
    a = b.reshape(-1)
    return np.sum(a * w)


@case("s13 twin: transpose then broadcast against a column", args=(M23, X3))
def s13(m, w):
    a = m.T
    a = a * w[:, None]
    a = a.T * w
    return np.sum(a)


@case("s14 0-d array against (1,) against a float", args=(X0, X1))
def s14(a, w):
    c = a * w
    d = c + a
    e = float(a) * d
    return np.sum(e * w)


@case("s15 twin: the 0-d rebound to a (1,) and summed", args=(X0, X1))
def s15(a, w):
    c = a * 2.0
    c = c * w
    c = np.sum(c) * a
    return c * c


@case("s16 a name rebound from an array to a float and back, in a branch")
def s16(x, w):
    a = x * w
    if w > 0:
        a = np.sum(a)
    b = a * x
    return np.sum(b)


@case("s17 twin: the branch keeps the array")
def s17(x, w):
    a = x * w
    if w < 0:
        a = np.sum(a)
    b = a * x
    return np.sum(b * b)


@case("s18 keepdims sum broadcast back", args=(M23, 0.8))
def s18(m, w):
    s = np.sum(m, axis=1, keepdims=True)
    a = m - s * w
    s = np.sum(a, axis=0)
    return np.sum(a * s)


@case("s19 twin: keepdims dropped on a second pass", args=(M23, 0.8))
def s19(m, w):
    s = np.sum(m, axis=1, keepdims=True)
    a = m * s
    s = np.sum(a, axis=1)
    a = a * s[:, None] * w
    return np.sum(a)


@case("s20 augmented assignment that broadcasts: a += row", args=(M23, X3))
def s20(m, w):
    a = np.zeros((2, 3))
    a += w
    a *= m
    return np.sum(a ** 2)


@case("s21 twin: a float accumulator that becomes an array")
def s21(x, w):
    a = 0.0
    for i in range(2):
        a = a + x * w
    a = a * x
    return np.sum(a)


@case("s22 a sum over a list of arrays of different shapes", args=(M23, X3))
def s22(m, w):
    parts = [m, w, np.sum(w)]
    total = 0.0
    for p in parts:
        total = total + p
    return np.sum(total * total)


@case("s23 twin: the same name holds each part in turn", args=(M23, X3))
def s23(m, w):
    p = m
    t = p * 2.0
    p = w
    t = t + p
    p = np.sum(w)
    t = t * p
    return np.sum(t)


@case("s24 broadcasting through np.multiply and np.add with a (1,)", args=(X3, X1))
def s24(x, w):
    a = np.multiply(x, w)
    a = np.add(a, w)
    return np.sum(a * x)


@case("s25 twin: np.outer then a broadcast against its diagonal", args=(X3, X3))
def s25(x, w):
    a = np.outer(x, w)
    d = np.diag(a)
    a = a * d
    return np.sum(a)


@case("s26 a swapped pair of names of different shapes", args=(M23, X3))
def s26(m, w):
    a, b = m, w
    a, b = b, a
    c = a * b
    return np.sum(c * m)


@case("s27 twin: a tuple unpacking from a helper returning both shapes", args=(M23, X3))
def s27(m, w):
    def split(p, q):
        return q * 2.0, p
    a, b = split(m, w)
    a, b = b * a, a
    return np.sum(a) * np.sum(b)


@case("s28 a while loop that grows the rank", args=(X3, 0.8))
def s28(x, w):
    a = x * w
    k = 0
    while k < 2:
        a = a[..., None] * x if k == 0 else a + w
        k += 1
    return np.sum(a)


@case("s29 expand_dims and squeeze")
def s29(x, w):
    a = np.expand_dims(x, 0) * w
    a = a * x[:, None]
    b = np.squeeze(a[:1])
    return np.sum(b * x)


@case("s30 twin: atleast_2d on a float")
def s30(x, w):
    a = np.atleast_2d(w) * x
    a = a + np.atleast_1d(w)
    return np.sum(a * a)


@case("s31 a walrus in a comprehension rebinds a name to a broadcast value", args=(M23, X3))
def s31(m, w):
    a = w
    rows = [(a := a * r) for r in m]
    return np.sum(a) + np.sum(rows[0])


@case("s32 twin: a for target that shadows an earlier array of another shape", args=(M23, X3))
def s32(m, w):
    a = m * w
    for a in w:
        pass
    b = a * w
    return np.sum(b) + np.sum(m * a)


@case("s33 the shape attribute assigned on a copy", args=(X4, X4))
def s33(x, w):
    a = x * 1.0
    a.shape = (2, 2)
    b = a * w[:2]
    return np.sum(b * b)


@case("s34 twin: the shape attribute assigned through an alias", args=(X4, X4))
def s34(x, w):
    a = x * 2.0
    b = a
    b.shape = (2, 2)
    c = a * w[2:]
    return np.sum(c * w[:2, None])


@case("s35 a flag tested twice, the second test after the name it compares changed", args=(M23, X3))
def s35(m, w):
    c = np.sum(w) > 0
    a = w
    if c:
        a = a * m
    a = np.sum(a)
    if c:
        a = a * w
    return np.sum(a)


@case("s36 twin: a flag rebound between two tests", args=(M23, X3))
def s36(m, w):
    c = np.sum(w) > 0
    a = w
    if c:
        a = a * m
    c = not c
    if c:
        a = a * w
    else:
        a = np.sum(a, axis=0) * w
    return np.sum(a)


@case("s37 del then reassign at another shape", args=(M23, X3))
def s37(m, w):
    a = m * w
    b = np.sum(a, axis=0)
    del a
    a = b * w
    return np.sum(a * b)


@case("s38 a try whose body broadcasts before it raises", args=(M23, X3))
def s38(m, w):
    a = w
    try:
        a = a * m
        raise ValueError
    except ValueError:
        a = np.sum(a, axis=0)
    return np.sum(a * w)


@case("s39 a with-block as-target of another shape", args=(M23, X3))
def s39(m, w):
    import contextlib
    a = w * 2.0
    with contextlib.nullcontext(m * w) as a:
        b = a * w
    return np.sum(b) + np.sum(a)


@case("s40 twin: nested functions broadcasting a closure name", args=(M23, X3))
def s40(m, w):
    a = w

    def scale(t):
        return t * a
    a = m
    return np.sum(scale(w)) + np.sum(scale(m))


@case("s41 broadcasting a (3,1) by (1,3) then reduced by axis", args=(X3, X3))
def s41(x, w):
    a = x.reshape(3, 1)
    b = w.reshape(1, 3)
    c = a * b
    c = np.sum(c, axis=0) * x
    return np.sum(c)


@case("s42 twin: np.broadcast_to and a write into its copy", args=(X3, 0.8))
def s42(x, w):
    a = np.broadcast_to(x, (2, 3)) * w
    b = a.copy()
    b[0] = x
    return np.sum(b * a)


@case("s43 a name taking a list comprehension then an array", args=(X3, 0.8))
def s43(x, w):
    a = [t * w for t in x]
    a = np.array(a)
    a = a[:, None] * x
    return np.sum(a)


@case("s44 twin: a list from a sliced array sum of one-element arrays", args=(X3, 0.8))
def s44(x, w):
    a = [x[i:i + 1] * w for i in range(3)]
    s = a[0]
    for t in a[1:]:
        s = s + t * x
    return np.sum(s)


@case("s45 a ternary choosing shapes", args=(M23, X3))
def s45(m, w):
    a = m * w if np.sum(w) > 0 else w
    b = a * w
    return np.sum(b)


@case("s46 twin: the other ternary arm taken", args=(M23, X3))
def s46(m, w):
    a = m * w if np.sum(w) > 5 else w
    b = a * m
    return np.sum(b)


@case("s47 an early return of a different shape", args=(M23, X3))
def s47(m, w):
    a = m * w
    if np.sum(w) > 0:
        a = np.sum(a, axis=0)
        return np.sum(a * w)
    return np.sum(a)


@case("s48 a 0-d array result of np.dot multiplied into a vector")
def s48(x, w):
    d = np.dot(x, x)
    a = d * x * w
    d = np.dot(a, x)
    return d * w


@case("s49 twin: x.sum() of a (1,) array times a matrix", args=(X1, M23))
def s49(b, w):
    s = b.sum()
    a = w * b
    a = a * s
    return np.sum(a)


@case("s50 float32 argument broadcast against a float64 matrix", args=(M23, X3.astype(np.float32)), wrt=(0,))
def s50(m, w):
    a = m * w
    a = a + w[None, :]
    return np.sum(a * a)


# -- the export's zero-safe twins: kinks at 0 ------------------------------------------------

@case("z01 sqrt(x*x) away from 0")
def z01(x, w):
    return np.sum(np.sqrt(x * x) * w)


@case("z02 twin: sqrt(x*x) with an exact 0", args=(Z3, 0.8))
def z02(x, w):
    return np.sum(np.sqrt(x * x + w * w) * w) + np.sum(np.sqrt(x * x)) * 0.0 + np.sum(x * w)


@case("z03 abs with an exact 0 in the input", args=(Z3, 0.8))
def z03(x, w):
    return np.sum(np.abs(x) * w) + np.sum(x * x)


@case("z04 norm of a vector that is not 0")
def z04(x, w):
    return np.linalg.norm(x * w) ** 2 + np.linalg.norm(x)


@case("z05 twin: norm of a difference that is 0 in one entry", args=(Z3, 0.8))
def z05(x, w):
    d = x - x[0]
    return np.linalg.norm(d) * w


@case("z06 x ** 0.5 at positive inputs", args=(np.array([0.3, 0.4, 0.9]), 0.8))
def z06(x, w):
    return np.sum(x ** 0.5 * w) + np.sum((x * w) ** 1.5)


@case("z07 twin: (x*x) ** 0.5 at an exact 0 multiplied by 0", args=(Z3, 0.8))
def z07(x, w):
    r = (x * x + 1.0) ** 0.5
    return np.sum(r * w)


@case("z08 np.where with NaN in the arm not taken (sqrt of negatives)")
def z08(x, w):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x) + x), 0.0) * w)


@case("z09 twin: np.where with log of negatives in the untaken arm")
def z09(x, w):
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), x * w)
    return np.sum(y * w)


@case("z10 np.where, the taken arm a division that would be inf elsewhere", args=(Z3, 0.8))
def z10(x, w):
    safe = np.where(x == 0, 1.0, x)
    return np.sum(np.where(x == 0, w, np.sin(safe) / safe * w))


@case("z11 twin: np.maximum(x, 0) with an exact 0, second order smooth part", args=(Z3, 0.8))
def z11(x, w):
    return np.sum(np.maximum(x, 0.0) * 0.0 + x ** 2 * w) + np.sum(np.maximum(x, 0.1) * w)


@case("z12 hypot of two vectors, one 0 entry", args=(Z3, X3))
def z12(x, w):
    return np.sum(np.hypot(x, w))


@case("z13 twin: abs of a product then squared (smooth through the kink)", args=(Z3, 0.8))
def z13(x, w):
    return np.sum(np.abs(x * w) ** 2)


@case("z14 norm squared by ** 2 at the zero vector", args=(np.zeros(3), 0.8))
def z14(x, w):
    return np.linalg.norm(x) ** 2 * w + np.sum(x * w)


@case("z15 twin: sqrt(sum(x*x)) squared at the zero vector", args=(np.zeros(3), 0.8))
def z15(x, w):
    r = np.sqrt(np.sum(x * x))
    return r * r * w + np.sum(x) * w


@case("z16 a float abs on a float argument", args=(0.0, X3), wrt=(1,))
def z16(a, w):
    return abs(a) * np.sum(w * w) + np.sum(np.abs(w) * w)


@case("z17 twin: math.sqrt of a square of a float", args=(0.5, X3))
def z17(a, w):
    import math
    return math.sqrt(a * a + 0.25) * np.sum(w * w)


@case("z18 np.where selecting x / norm or 0", args=(X3, 0.8))
def z18(x, w):
    n = np.linalg.norm(x)
    u = np.where(n > 0, x / np.where(n > 0, n, 1.0), 0.0)
    return np.sum(u * w * x)


@case("z19 twin: the same at a vector with an exact 0 entry", args=(Z3, 0.8))
def z19(x, w):
    n = np.linalg.norm(x)
    u = np.where(n > 0, x / np.where(n > 0, n, 1.0), 0.0)
    return np.sum(u * w) + np.sum(x * x * w)


@case("z20 clip with the bound hit exactly", args=(np.array([0.0, 0.5, 1.0]), 0.8))
def z20(x, w):
    return np.sum(np.clip(x * w + 0.3, 0.0, 2.0) ** 2)


# -- writes into items of containers the function built ----------------------------------

@case("c01 a list of arrays built, an item written, a copy taken before the write")
def c01(x, w):
    rows = [x * w, x + w]
    before = list(rows)
    rows[0] = rows[0] * x
    return np.sum(rows[0]) + np.sum(before[0] * before[1])


@case("c02 twin: an element of an item written in place, the list copied before")
def c02(x, w):
    rows = [x * w, x + w]
    before = list(rows)
    rows[0][1] = w * w
    return np.sum(rows[0] * before[0]) + np.sum(before[1])


@case("c03 copy.copy of a list whose item is then written in place")
def c03(x, w):
    rows = [x * w, x * x]
    shallow = copy.copy(rows)
    rows[1][0] = w
    return np.sum(shallow[1] * x) + np.sum(rows[0])


@case("c04 twin: copy.deepcopy before the in-place write")
def c04(x, w):
    rows = [x * w, x * x]
    deep = copy.deepcopy(rows)
    rows[1][0] = w
    return np.sum(deep[1] * x) + np.sum(rows[1] * w)


@case("c05 a slice copy of a list before an item is rebound")
def c05(x, w):
    rows = [x * w, x + 1.0, x * x]
    head = rows[:2]
    rows[1] = rows[1] * w
    return np.sum(head[1] * rows[1]) + np.sum(head[0])


@case("c06 twin: a slice copy, then an element of a shared item written")
def c06(x, w):
    rows = [x * w, x + 1.0]
    head = rows[:]
    rows[1][2] = w * 3.0
    return np.sum(head[1] * x) + np.sum(rows[1])


@case("c07 dict(...) copy of a built dict, an item written after")
def c07(x, w):
    d = {"a": x * w, "b": x * x}
    e = dict(d)
    d["a"] = d["a"] * 2.0
    return np.sum(e["a"] * d["a"]) + np.sum(e["b"])


@case("c08 twin: d.copy() then an element of a held array written")
def c08(x, w):
    d = {"a": x * w, "b": x * x}
    e = d.copy()
    d["a"][0] = w
    return np.sum(e["a"] * x) + np.sum(d["b"])


@case("c09 the same array held twice in a list, one written")
def c09(x, w):
    a = x * w
    rows = [a, a]
    rows[0][1] = w * w
    return np.sum(rows[1] * x)


@case("c10 twin: the same array held in a list and a dict")
def c10(x, w):
    a = x * w
    rows = [a]
    d = {"k": a}
    d["k"][2] = w
    return np.sum(rows[0] * x) + np.sum(a)


@case("c11 nested lists, the inner list written after a shallow copy")
def c11(x, w):
    grid = [[x[0] * w, x[1]], [x[2], w]]
    outer = list(grid)
    grid[0][1] = w * x[2]
    return outer[0][1] * x[0] + grid[1][0] * w


@case("c12 twin: nested lists deep-copied then written")
def c12(x, w):
    grid = [[x[0] * w, x[1]], [x[2], w]]
    snap = copy.deepcopy(grid)
    grid[0][1] = w * x[2]
    return snap[0][1] * x[0] + grid[0][1] * w


@case("c13 a list of arrays written in a loop, a copy taken each step")
def c13(x, w):
    rows = [x * w, x * 2.0]
    seen = []
    for i in range(2):
        seen.append(list(rows))
        rows[i] = rows[i] * x
    return np.sum(seen[0][0] * seen[1][1]) + np.sum(rows[1])


@case("c14 twin: an element written in a loop into an item held by a copy")
def c14(x, w):
    rows = [x * w, x * 2.0]
    keep = list(rows)
    for i in range(3):
        rows[0][i] = rows[0][i] * w
    return np.sum(keep[0] * x)


@case("c15 a tuple of arrays built, an element of one written")
def c15(x, w):
    pair = (x * w, x + w)
    pair[0][0] = w
    return np.sum(pair[0] * pair[1])


@case("c16 twin: a list built by * repetition of one array", args=(X3, 0.8))
def c16(x, w):
    rows = [x * w] * 2
    rows[0][0] = w * w
    return np.sum(rows[1] * x)


@case("c17 dict of lists, the inner list copied by list() then appended to")
def c17(x, w):
    d = {"a": [x[0] * w]}
    snap = list(d["a"])
    d["a"].append(x[1] * w)
    return sum(d["a"]) * snap[0]


@case("c18 twin: the dict of lists copied by dict() then its inner list written")
def c18(x, w):
    d = {"a": [x[0] * w, x[1]]}
    snap = dict(d)
    d["a"][1] = w * w
    return snap["a"][1] * x[2] + d["a"][0]


@case("c19 np.array of a list of arrays, the list then written")
def c19(x, w):
    rows = [x * w, x * x]
    m = np.array(rows)
    rows[0][0] = w
    return np.sum(m * m) + np.sum(rows[0])


@case("c20 twin: np.stack of a list of arrays, an array then written")
def c20(x, w):
    a = x * w
    rows = [a, x * x]
    m = np.stack(rows)
    a[1] = w
    return np.sum(m * x) + np.sum(rows[0] * x)


# -- attributes of objects built in the code --------------------------------------------------

@dataclasses.dataclass
class Params:
    vals: list
    scale: float = 1.0


class Layer:
    def __init__(self, w):
        self.w = w
        self.vals = [w, w * 2.0]

    def __call__(self, x):
        return np.tanh(x * self.w)


@case("o01 p.vals[0] = v on a dataclass built in the function")
def o01(x, w):
    p = Params([x * w, x])
    p.vals[0] = p.vals[0] * w
    return np.sum(p.vals[0] * p.vals[1])


@case("o02 twin: the dataclass's list held by another name before the write")
def o02(x, w):
    p = Params([x * w, x])
    held = p.vals
    p.vals[1] = x * x
    return np.sum(held[1] * w) + np.sum(p.vals[0])


@case("o03 an object's list attribute item written")
def o03(x, w):
    layer = Layer(w)
    layer.vals[1] = layer.vals[1] * x[0]
    return np.sum(layer(x)) * layer.vals[1]


@case("o04 twin: the object's attribute changed between two calls of it")
def o04(x, w):
    layer = Layer(w)
    a = layer(x)
    layer.w = w * w
    b = layer(x)
    return np.sum(a * b)


def make_scaled(w):
    def scaled(x):
        return x * scaled.k
    scaled.k = w
    return scaled


@case("o05 a function attribute assigned where the function is made")
def o05(x, w):
    f = make_scaled(w)
    return np.sum(f(x) ** 2)


def doubled(x):
    return x * doubled.k


doubled.k = 2.0


@case("o06 twin: a function attribute assigned at the top level")
def o06(x, w):
    return np.sum(doubled(x * w) ** 2)


def apply_all(x, *layers):
    for layer in layers:
        x = layer(x)
    return x


@case("o07 objects passed as *layers")
def o07(x, w):
    return np.sum(apply_all(x, Layer(w), Layer(w * 0.5)))


@case("o08 twin: the same object passed twice in *layers, its weight rebound between")
def o08(x, w):
    layer = Layer(w)
    a = apply_all(x, layer, layer)
    layer.w = w * 3.0
    return np.sum(a * apply_all(x, layer))


@case("o09 a defaultdict(list) filled in a loop")
def o09(x, w):
    d = collections.defaultdict(list)
    for i in range(3):
        d[i % 2].append(x[i] * w)
    return sum(d[0]) * sum(d[1])


@case("o10 twin: a defaultdict(float) accumulated, a missing key read")
def o10(x, w):
    d = collections.defaultdict(float)
    for i in range(3):
        d[i % 2] += x[i] * w
    return d[0] * d[1] + d[5]


@case("o11 iter(e) over a list of arrays, next twice")
def o11(x, w):
    e = [x * w, x * x]
    it = iter(e)
    a = next(it)
    b = next(it)
    return np.sum(a * b)


@case("o12 twin: iter over an array, the array written after")
def o12(x, w):
    a = x * w
    it = iter(a)
    first = next(it)
    a[1] = w * w
    second = next(it)
    return first * second


KEEP = []


@case("o13 an object built in the function and returned in a tuple, one part used")
def o13(x, w):
    p = Params([x * w], scale=w)
    p.vals[0] = p.vals[0] * p.scale
    return np.sum(p.vals[0])


@case("o14 twin: a dataclass's scale rebound after its list item was computed")
def o14(x, w):
    p = Params([x * w], scale=w)
    v = p.vals[0] * p.scale
    p.scale = w * w
    return np.sum(v * p.scale)


class Counter2:
    def __init__(self):
        self.total = 0.0

    def add(self, v):
        self.total = self.total + v
        return self


@case("o15 a method chain on an object built in the function")
def o15(x, w):
    c = Counter2()
    c.add(x[0] * w).add(x[1] * x[2])
    return c.total * w


@case("o16 twin: the object held by two names, both add")
def o16(x, w):
    c = Counter2()
    d = c
    c.add(x[0] * w)
    d.add(x[1] * w)
    return c.total * d.total


@case("o17 a dataclasses.replace of a dataclass built in the function")
def o17(x, w):
    p = Params([x * w], scale=w)
    q = dataclasses.replace(p, scale=w * 2.0)
    return np.sum(q.vals[0]) * q.scale + p.scale


@case("o18 twin: the list shared by the replace, written through the copy")
def o18(x, w):
    p = Params([x * w, x], scale=w)
    q = dataclasses.replace(p, scale=2.0)
    q.vals[0] = x * x
    return np.sum(p.vals[0] * w) * q.scale


# -- lists of arrays in the export; a copy serving as a save ---------------------------------

@case("l01 a list times an array element by element (list of floats)")
def l01(x, w):
    coeffs = [x[0] * w, x[1], 2.0]
    return np.sum(np.array(coeffs) * x)


@case("l02 twin: np.asarray of a list of arrays times an array", args=(X3, 0.8))
def l02(x, w):
    rows = [x * w, x]
    return np.sum(np.asarray(rows) * x)


@case("l03 a list of arrays summed by sum() then multiplied")
def l03(x, w):
    rows = [x * w, x * x]
    return np.sum(sum(rows) * x)


@case("l04 twin: a list of floats converted then rebound to an array")
def l04(x, w):
    v = [x[i] * w for i in range(3)]
    v = np.array(v)
    v = v * x
    return np.sum(v)


@case("s51 a copy taken between two temporaries, then the name rebound")
def s51(x, w):
    a = x * w
    b = a.copy()
    a = np.sin(a)
    c = b * a
    b = c * 2.0
    return np.sum(b * a)


@case("s52 twin: np.copy saved, the original written in place between")
def s52(x, w):
    a = x * w
    b = np.copy(a)
    a[0] = w
    a = a * b
    return np.sum(a * b)


@case("s53 a copy of a copy, the middle rebound")
def s53(x, w):
    a = np.exp(x * w)
    b = a.copy()
    c = b.copy()
    b = b * x
    return np.sum(c * b * a)


@case("s54 twin: a copy of a list item, the item then written")
def s54(x, w):
    rows = [np.exp(x * w), x]
    c = rows[0].copy()
    rows[0][1] = w
    return np.sum(c * rows[0])


# -- one parse per kind of argument on the first call ----------------------------------------

def poly(t):
    return t * t * 3.0 + t


@case("k01 a helper called with an int, a float, a 0-d array, a list, a float32, then an int")
def k01(x, w):
    a = poly(2) * w
    b = poly(w)
    c = poly(np.array(w))
    d = np.sum(poly(np.array([w, x[0]])))
    e = float(poly(np.float32(0.5))) * w
    f = poly(3) * x[1]
    return a + b + c + d + e + f


@case("k02 twin: the helper called with an array, then a Python float, then the array")
def k02(x, w):
    a = np.sum(poly(x))
    b = poly(w)
    c = np.sum(poly(x * w))
    return a * b + c


def norm1(t):
    return np.sum(np.abs(t))


@case("k03 a helper with abs called on an array then a float", args=(X3, 0.8))
def k03(x, w):
    return norm1(x) * w + norm1(w * x[0])


@case("k04 twin: a helper called with a bool then a float")
def k04(x, w):
    return poly(True) * w + poly(w) * np.sum(x)


def branchy(t):
    if np.ndim(t) == 0:
        return t * 2.0
    return np.sum(t) * t


@case("k05 a helper that branches on ndim, called with 0-d, then 1-d, then 0-d")
def k05(x, w):
    a = branchy(w)
    b = branchy(x)
    c = branchy(np.array(w))
    return a * np.sum(b) + c


@case("k06 twin: called with a 1-d array made of a float and an item")
def k06(x, w):
    a = branchy(np.array([w, x[0]]))
    b = branchy(x[1])
    return np.sum(a) * b


GAIN = 2.0


def gained(t):
    return t * GAIN


@case("k07 a helper reading a global that is a float")
def k07(x, w):
    return np.sum(gained(x) * w)


@case("k08 twin: the global read as an array by another helper")
def k08(x, w):
    return np.sum(gained(x) * gained(w))


@case("k09 a helper called with a float32 array", args=(X3.astype(np.float32), 0.8), wrt=(1,))
def k09(x, w):
    return np.sum(poly(x).astype(np.float64) * w) + poly(w)


@case("k10 twin: a complex constant through a helper, real part taken")
def k10(x, w):
    z = poly(1.0 + 0.5j)
    return np.sum(x * w) * z.real + np.sum(poly(x * w))


@case("k11 an int argument not differentiated", args=(X3, 3, 0.8), wrt=(0, 2))
def k11(x, n, w):
    s = 0.0
    for i in range(n):
        s = s + poly(x[i % 3]) * w
    return s * n


@case("k12 twin: a 0-d array argument", args=(X3, np.array(0.8)), wrt=(0, 1))
def k12(x, w):
    return np.sum(poly(x) * w) + poly(w)


# -- values carried past what astgrad follows: with ... as, raise/except, str, dtype=object ----

class Box:
    def __init__(self, v):
        self.v = v

    def __enter__(self):
        return self.v

    def __exit__(self, *exc):
        return False


class Carry(Exception):
    def __init__(self, v):
        super().__init__("carry")
        self.v = v


@case("w01 with contextlib.nullcontext(value) as a: the value the manager was made from")
def w01(x, w):
    import contextlib
    with contextlib.nullcontext(x * w) as a:
        b = a * x
    return np.sum(b)


@case("w02 twin: a user's context manager whose __enter__ returns what it was made from")
def w02(x, w):
    with Box(x * w) as a:
        b = a * x
    return np.sum(b)


@case("w03 twin: a manager made from constants, its value used with the inputs")
def w03(x, w):
    import contextlib
    with contextlib.nullcontext(2.0) as k, np.errstate(all="ignore"):
        b = x * k * w
    return np.sum(b * x)


@case("x01 raise carrying a value that depends on the inputs, read in the handler")
def x01(x, w):
    try:
        raise ValueError(x * w)
    except ValueError as e:
        v = e.args[0]
    return np.sum(v * x)


def raise_carry(v):
    raise Carry(np.sin(v))


@case("x02 twin: a helper raises an exception holding its value as an attribute")
def x02(x, w):
    try:
        raise_carry(x * w)
    except Carry as err:
        v = err.v
    return np.sum(v * x)


@case("x03 twin: an exception carrying a message and an int, the handler reads them")
def x03(x, w):
    try:
        if np.sum(x) > -10:
            raise KeyError("missing", 3)
        s = 0.0
    except KeyError as e:
        s = np.sum(x * w) * e.args[1] + len(str(e))
    return s * w


@case("t01 float(str(v)) is v again")
def t01(x, w):
    return float(str(x[0] * w)) * x[1]


@case("t02 twin: str and repr of the inputs only printed and compared")
def t02(x, w):
    label = str(x[0]) + repr(w) + format(w, ".3f")
    return np.sum(x * w) * (2.0 if label else 1.0)


@case("d01 np.array(..., dtype=object) of the inputs")
def d01(x, w):
    return float(np.sum(np.array(list(x * w), dtype=object) * x))


@case("d02 twin: dtype=np.float64 given, and an integer dtype (piecewise constant)")
def d02(x, w):
    return np.sum(np.array(x * w, dtype=np.float64) * x) + np.sum(np.asarray(x * 10.0 + 0.5, dtype=int) * w)


# -- more shapes: names rebound by a helper, a flag, a walrus, a match, a box --------------------

@case("n01 a nonlocal write in a helper broadcasts the name", args=(M23, X3))
def n01(m, w):
    a = w
    def grow():
        nonlocal a
        a = a * m
    grow()
    b = a * w
    return np.sum(b)


@case("n02 a 0-d flag array written between two tests", args=(M23, X3))
def n02(m, w):
    c = np.array(np.sum(w) > 0)
    a = w
    if c:
        a = a * m
    c[...] = False
    if c:
        a = np.sum(a, axis=0)
    b = a * w
    return np.sum(b)


@case("n03 walrus flag in the test", args=(M23, X3))
def n03(m, w):
    a = w
    if (c := np.sum(w) > 0):
        a = a * m
    b = a * w
    if c:
        b = b * m
    return np.sum(b)

BOX = [None]


def set_global(v):
    BOX[0] = v


@case("n04 a name read back from a global list a callee wrote", args=(M23, X3), wrt=(1, 0))
def n04(m, w):
    a = w * 1.0
    set_global(a)
    a = BOX[0]
    b = a * w
    return np.sum(b)


@case("n05 a list item of another shape rebinds a name in a loop", args=(M23, X3))
def n05(m, w):
    items = [w, m, w * 2.0]
    total = 0.0
    for a in items:
        total = total + a * w
    return np.sum(total)


@case("n06 a name rebound by a tuple target from a zip of shapes", args=(M23, X3))
def n06(m, w):
    a = w
    for a, b in zip([m, w], [w, m]):
        c = a * b
    return np.sum(c * w)


@case("n07 augmented assignment of a broadcast to a float name", args=(M23, X3))
def n07(m, w):
    a = 1.0
    a *= w
    a = a + m
    a -= w
    return np.sum(a * w)


@case("n08 a flag compared twice with an intervening array write to the compared operand", args=(M23, X3))
def n08(m, w):
    a = w * 1.0
    t = a.copy()
    c = t[0] > -10
    if c:
        a = a * m
    t[0] = -100.0
    c2 = t[0] > -10
    if c2:
        a = a + 1.0
    else:
        a = a * w
    return np.sum(a)


@case("n09 a while loop whose condition is the flag, shapes changing", args=(M23, X3))
def n09(m, w):
    a = w
    k = 0
    while k < 2:
        if k == 0:
            a = a * m
        else:
            a = np.sum(a, axis=0) * w
        k = k + 1
    return np.sum(a * w)


@case("n10 an array reshaped in place by resize", args=(M23, X3))
def n10(m, w):
    a = np.concatenate([w, w]) * 1.0
    b = a.reshape(2, 3)
    c = b * w
    return np.sum(c * m)


@case("n11 a name bound in a comprehension's own scope, the outer name untouched", args=(M23, X3))
def n11(m, w):
    a = w
    rows = [a * r for a in m for r in [w]]
    return np.sum(a * w) + np.sum(rows[1])


@case("n12 a name deleted in one branch and reassigned in the other", args=(M23, X3))
def n12(m, w):
    a = m * w
    if np.sum(w) > 0:
        del a
        a = w * 2.0
    else:
        a = a + 1.0
    return np.sum(a * w)


@case("n13 a lambda default captures the old shape", args=(M23, X3))
def n13(m, w):
    a = w
    f = lambda t, a=a: t * a
    a = m * w
    return np.sum(f(m)) + np.sum(a)


@case("n14 a row taken then the name rebound to its sum", args=(M23, X3))
def n14(m, w):
    a = w * m
    a = a[0]
    b = a * w
    a = np.sum(a)
    return np.sum(b * a)


@case("n15 broadcasting with np.newaxis then the name rebound to its squeeze in a loop", args=(M23, X3))
def n15(m, w):
    a = w[:, np.newaxis]
    for _ in range(2):
        a = a * w
        a = np.sum(a, axis=0)[:, None]
    return np.sum(a * m.T)


@case("n16 a conditional expression rebinding the same name to two shapes in a loop", args=(M23, X3))
def n16(m, w):
    a = w
    for i in range(3):
        a = a * m if i % 2 == 0 else np.sum(a, axis=0)
    return np.sum(a * w)


@case("n17 a try/except where the except path broadcasts", args=(M23, X3))
def n17(m, w):
    a = w
    try:
        a = a * m
        a = a + a[5]
    except IndexError:
        a = a * w
    return np.sum(a)


@case("n18 a with block where the body broadcasts", args=(M23, X3))
def n18(m, w):
    a = w
    with np.errstate(all="ignore"):
        a = a * m
    return np.sum(a * w)


@case("n19 match statement arms of different shapes", args=(M23, X3))
def n19(m, w):
    a = w
    match int(np.sum(w) > 0):
        case 1:
            a = a * m
        case _:
            pass
    return np.sum(a * w)


@case("n20 a helper rebinding the item of a list box to a broadcast value", args=(M23, X3))
def n20(m, w):
    box = [w]
    def grow():
        box[0] = box[0] * m
    grow()
    a = box[0]
    return np.sum(a * w)


@case("t03 twin: \"%.17g\" % v read back by float")
def t03(x, w):
    return float("%.17g" % (x[0] * w)) * x[1]


@case("t04 twin: \"%s\" % v only tested for being empty")
def t04(x, w):
    s = "%s and %s" % (x[0], w)
    return np.sum(x * w) * (2.0 if s else 1.0)


@case("f01 numpy.fft.fftfreq with a spacing that depends on the inputs")
def f01(x, w):
    freqs = np.fft.fftfreq(6, d=w * 0.5 + 1.0)
    return np.sum(freqs[:3] * x) + np.sum(freqs ** 2) * w


@case("f02 twin: rfftfreq with the spacing passed by position, the count from len")
def f02(x, w):
    freqs = np.fft.rfftfreq(len(x) + 1, np.sum(x * x) + w)
    return np.sum(np.cos(freqs * w) * freqs)


# -- objects whose attributes or items the class computes ----------------------------------

class Square:
    def __init__(self, s):
        self.s = s

    @functools.cached_property
    def cube(self):
        return self.s ** 3

    def area(self):
        return self.s * self.s


class Bag:
    def __init__(self, items):
        self._items = list(items)

    def __getitem__(self, i):
        return self._items[i]

    def __len__(self):
        return len(self._items)


@case("a01 a functools.cached_property read from an object built in the function")
def a01(x, w):
    return np.sum(Square(x * w).cube)


@case("a02 twin: the cached value read again after the attribute it came from changed")
def a02(x, w):
    sq = Square(x)
    first = sq.cube
    sq.s = x * w
    return np.sum(sq.cube * first)


@case("a03 twin: a method computing the same value")
def a03(x, w):
    sq = Square(x * w)
    return np.sum(sq.area() * sq.s)


@case("a04 an item of an object whose class has its own __getitem__")
def a04(x, w):
    bag = Bag([x[0] * w, x[1]])
    return bag[0] * bag[1] + len(bag)


@case("a05 twin: a list held by the object read directly")
def a05(x, w):
    bag = Bag([x[0] * w, x[1]])
    return bag._items[0] * bag._items[1]


@case("a06 a dataclass's list item written through an alias of the object")
def a06(x, w):
    p = Params([x[0], x[1]], w)
    q = p
    q.vals[0] = x[2] * p.scale
    return p.vals[0] * p.vals[1]


@case("a07 twin: the dataclass's list attribute rebound to a new list")
def a07(x, w):
    p = Params([x[0], x[1]], w)
    p.vals = [v * p.scale for v in p.vals]
    return p.vals[0] * p.vals[1]


@case("a08 an object's list attribute appended to")
def a08(x, w):
    p = Params([x[0]], w)
    p.vals.append(x[2] * p.scale)
    return sum(p.vals) * p.vals[-1]


@case("a09 objects built in a comprehension, one's list item written")
def a09(x, w):
    ps = [Params([x[i]], w) for i in range(3)]
    ps[1].vals[0] = ps[1].vals[0] * x[2]
    return sum(p.vals[0] * p.scale for p in ps)


@case("a10 twin: the scale of a dataclass rebound in place")
def a10(x, w):
    p = Params([x[0]], x[1])
    p.scale = p.scale * w
    return p.vals[0] * p.scale



@case("l05 a list of floats times arrays NumPy's constructors made")
def l05(x, w):
    y = [w, 2.0 * w, 0.5]
    a = np.ones(3) * y
    return np.sum(a * x * np.zeros_like(x + 1.0) + y * np.cos(x) + np.eye(3)[0] * a)


@case("l06 an array plus, minus and over lists and tuples of floats, as NumPy reads them")
def l06(x, w):
    a = x + [1.0, w, 2.0 * w]
    b = [w, 0.5, 1.0] - a
    c = a / (w, 2.0, 3.0)
    return np.sum(b * c + np.sum(a) ** [2.0, 1.0, w])


@case("l07 twin: op= a list on an array another name holds, in a loop")
def l07(x, w):
    a = x * 1.0
    b = a
    for i in range(2):
        a += [w, 1.0, i]
        a -= (1.0, w * w, 0.5)
        a *= [1.0, w, 0.5]
    return np.sum(a * x) + np.sum(b * b)


@case("l08 twin: a list extended by += in a loop while another name holds it")
def l08(x, w):
    xs = [w, x[1]]
    ys = xs
    for _ in range(2):
        xs += [xs[-1] * w]
    return ys[-1] * x[0] + sum(ys) * len(ys)


@case("l09 a tuple extended by += in a loop and repeated by *= while another name holds it")
def l09(x, w):
    t = (w, x[0])
    u = t
    for _ in range(2):
        t += (t[-1] * w,)
    t *= 2
    return u[0] * t[-1] + sum(u) * t[3] + len(t) * x[1]


@case("l10 twin: a list of arrays plus an array by += (a new array) while another name holds the list")
def l10(x, w):
    xs = [x * w, x + 1.0]
    ys = xs
    xs += x * x
    return np.sum(xs[1] * ys[0]) + np.sum(ys[1] * w) + np.sum(xs)


@case("l11 twin: a list plus an array by += is an array after: squared, doubled, plus a list")
def l11(x, w):
    xs = [w, 1.0, x[0]]
    xs += x * w
    ys = xs * xs + xs * 2
    ys += [w, 0.5, 1.0]
    return np.sum(ys * x) + np.sum(xs + xs)


@case("l12 a list extended by += with tuples (of floats, of arrays) in a loop while another name holds it")
def l12(x, w):
    xs = [x * w]
    ys = xs
    t = (x[0] * w, x[1])
    for i in range(2):
        xs += (x * x[i], x + w)
    zs = [w]
    zs += t
    return np.sum(ys[1] * ys[4]) + len(xs) * np.sum(xs[0]) + sum(zs) * zs[1]


@case("l13 twin: a list extended by += with a range")
def l13(x, w):
    xs = [w * x[0]]
    ys = xs
    xs += range(2)
    return sum(v * w for v in ys) * x[1] + len(xs)


@case("l14 a list repeated by a bool, as Python does: *= False while another name holds it, * a comparison")
def l14(x, w):
    xs = [w, x[0]]
    ys = xs
    xs *= len(xs) > 3
    zs = [x * w] * (w > 0.5) + [x]
    return sum(ys) * w + len(ys) * x[1] + np.sum(zs[0] * zs[-1])


@case("l15 twin: the list's other name extended by += after the list plus an array made the first an array")
def l15(x, w):
    xs = [w, 1.0, 0.5]
    ys = xs
    xs += x * w         # xs: a new array; ys: still the list
    ys += [x[0]]        # extends the list only
    return sum(xs) * w + sum(ys) * x[1]


# -- shallow copies that see a write into an item they hold (after the rest: the programs above
# keep their turn of modes) ----------------------------------------------------------------

@case("c21 two shallow copies of a list, an element of an item written, read through all three")
def c21(x, w):
    rows = [x * w, x + w]
    a = list(rows)
    b = rows.copy()
    rows[0][1] = w * w
    return np.sum(a[0] * b[0] * rows[0]) + np.sum(a[1] * x)


@case("c22 twin: an append to an inner list a shallow copy of the outer list holds")
def c22(x, w):
    grid = [[x[0] * w], [x[1]]]
    outer = list(grid)
    grid[0].append(w * x[2])
    return sum(outer[0]) * x[0] + grid[1][0]


@case("c23 writes with the loop's index into each item a copy holds")
def c23(x, w):
    rows = [x * w, x + w, x * x]
    keep = rows.copy()
    for i in range(3):
        rows[i][i] = rows[i][i] * w
    return np.sum(keep[0] * keep[1] * keep[2] * x)


@case("c24 twin: a copy.copy taken at each step of a loop writing into an item")
def c24(x, w):
    rows = [x * w, x * 2.0]
    total = 0.0
    for i in range(3):
        snap = copy.copy(rows)
        rows[1][i] = snap[0][i] * w
        total = total + np.sum(snap[1] * x)
    return total


@case("c25 a dict of dicts copied by d.copy(), an item of an inner dict replaced")
def c25(x, w):
    d = {"a": {"b": x * w, "c": x}, "e": {"b": x}}
    e = d.copy()
    d["a"]["b"] = x * x * w
    return np.sum(e["a"]["b"] * x) + np.sum(e["a"]["c"])


@case("c26 twin: the copy read in the loop that writes into the item it holds")
def c26(x, w):
    rows = [x * w, x + w]
    keep = list(rows)
    total = 0.0
    for i in range(3):
        rows[0][i] = w * x[i] * x[i]
        total = total + np.sum(keep[0] * x)
    return total


@case("c27 an item of a slice copy replaced: the list keeps its own")
def c27(x, w):
    rows = [x * w, x + w]
    head = rows[:]
    head[0] = x * 3.0 * w
    return np.sum(rows[0] * x) + np.sum(head[0] * head[1])


@case("c28 twin: the list's item replaced after the copy, then written: the copy keeps the old one")
def c28(x, w):
    rows = [x * w, x + w]
    keep = list(rows)
    rows[0] = x * 3.0
    rows[0][1] = w * w
    return np.sum(keep[0] * x) + np.sum(rows[0] * x)


@case("c29 the write into an item through the copy, read through the list")
def c29(x, w):
    rows = [x * w, x + w]
    keep = list(rows)
    keep[0][1] = w * w
    return np.sum(rows[0] * x) + np.sum(keep[0])


@case("c30 dict(d) of arrays, an item written in a loop, the copy read in it")
def c30(x, w):
    d = {"a": x * w, "b": x + w}
    snap = dict(d)
    total = 0.0
    for i in range(3):
        d["b"][i] = d["a"][i] * w
        total = total + np.sum(snap["b"] * x)
    return total


@case("c31 twin: a dict comprehension copy of d, each item of d written by a key name")
def c31(x, w):
    d = {"a": x * w, "b": x + w}
    e = {k: v for k, v in d.items()}
    for k in ("a", "b"):
        d[k][0] = w * x[1]
    return np.sum(e["a"] * e["b"] * x)


@case("c32 dict(d), the item of d replaced after the copy, then written: the copy keeps the old one")
def c32(x, w):
    d = {"a": [x[0] * w, x[1]]}
    snap = dict(d)
    d["a"] = [x[2], w]
    d["a"][1] = w * w
    return snap["a"][1] * x[2] + d["a"][1]


def _over(v, s):
    return v / s


def _less(v, s):
    return v - s


def _raised(v, s):
    return s ** v


@case("l16 a tuple and a list reaching /, - and ** through a helper's parameter, a function value, a local def")
def l16(x, w):
    def over(v, s):
        return v / s
    a = _over(x, (w, 2.0, 1.0)) - _less(x * w, [0.5, w, 1.0])
    h = _raised
    return np.sum(a * h(x, (w, 2.0, 1.5)) + over(x, (1.0, w, 2.0)))
