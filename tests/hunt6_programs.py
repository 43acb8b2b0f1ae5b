"""Programs of the sixth acceptance hunt, aimed at what the last two rounds added: writes
into global state from the function and from its callees, generators consumed by
builtins, iter/next, random generators made in the function, hasattr, fill_diagonal,
zip over objects, method values, tree_map to second order, dicts of lists made in loops,
and the new rules (pow, item, where= of sum and mean, trapezoid, interp, convolve, ufunc
reductions, divmod, cov, corrcoef, bincount weights, complex sign, det and slogdet of
complex matrices, stacks of an array's rows, a list times an array). Each program has an
adversarial twin (aliasing, rebinding, kinks, odd dtypes). Every entry of CASES is
(name, f, args, wrt): astgrad must give Python's derivative, or refuse. Used by
tests/test_hunt6_programs.py."""

import math
import operator

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
M33 = np.array([[1.2, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.3, 0.2, 1.1]])
C3 = np.array([0.6 + 0.8j, -0.5 + 1.1j, 1.2 - 0.4j])
CASES, case = case_table((X3, 0.8))


# -- writes into global state ----------------------------------------------------------

LOG = []
TABLE = {}
BUF = np.zeros(3)


class Recorder:
    def __init__(self):
        self.seen = []
        self.last = 0.0

    def note(self, v):
        self.seen.append(v)
        return v


REC = Recorder()
NOTE = REC.note


@case("g01 a global list appended to, the result not read from it")
def g01(x, w):
    LOG.append(float(x[0]))
    del LOG[:-4]
    return np.sum(x ** 2) * w


@case("g02 twin: the global list's last item read back")
def g02(x, w):
    LOG.append(x[0] * w)
    v = LOG[-1]
    del LOG[:-4]
    return v * x[1] + np.sum(x)


def log_into_global(v):
    LOG.append(v)
    del LOG[:-4]
    return v * 2.0


@case("g03 a callee appends to a global list and returns a value")
def g03(x, w):
    return log_into_global(x[1] * w) + x[2]


@case("g04 a global dict written by key, read back")
def g04(x, w):
    TABLE["a"] = x * w
    return np.sum(TABLE["a"] * x)


@case("g05 twin: the dict item kept under another name before a new write")
def g05(x, w):
    TABLE["a"] = x * w
    keep = TABLE["a"]
    TABLE["a"] = x * 2.0
    return np.sum(keep * x) + np.sum(TABLE["a"])


@case("g06 a global array written by slice, read back")
def g06(x, w):
    BUF[:] = x * w
    return np.sum(BUF * x)


@case("g07 twin: the global array written by one item after a read")
def g07(x, w):
    BUF[:] = x
    s = np.sum(BUF * w)
    BUF[0] = w
    return s + BUF[0] * x[1]


@case("g08 a global object's attribute set through setattr")
def g08(x, w):
    setattr(REC, "last", x[0] * w)
    return REC.last * x[1] + x[2]


@case("g09 a global object's bound method appending, its value used")
def g09(x, w):
    v = REC.note(x[0] * w)
    del REC.seen[:-3]
    return v * x[2]


@case("g10 twin: the bound method held by a global name")
def g10(x, w):
    v = NOTE(x[1] * w)
    del REC.seen[:-3]
    return v + x[0] * v


@case("g11 operator.setitem into a global dict")
def g11(x, w):
    operator.setitem(TABLE, "b", x * w)
    return np.sum(TABLE["b"] ** 2)


@case("g12 twin: operator.setitem into a global array")
def g12(x, w):
    BUF[:] = 0.0
    operator.setitem(BUF, 1, x[0] * w)
    return np.sum(BUF * x)


MEMO = {}


def arange_memo(n):
    if n not in MEMO:
        MEMO[n] = np.arange(float(n))
    return MEMO[n]


@case("g13 a memo table of constants (arange by length)")
def g13(x, w):
    return np.sum(arange_memo(3) * x) * w


@case("g14 twin: a memo table of constants read twice, written once")
def g14(x, w):
    a = arange_memo(3)
    b = arange_memo(3)
    return np.sum(a * x) + np.sum(b * x * w)


COUNT = [0]


@case("g15 a global counter bumped each call")
def g15(x, w):
    COUNT[0] += 1
    return np.sum(x * w) + (COUNT[0] % 1) * x[0]


@case("g16 twin: global counter read into the value (a constant)")
def g16(x, w):
    COUNT[0] = 2
    return np.sum(x ** 2) * COUNT[0] * w


STATE = {"scale": 1.5}


def scaled(v):
    return v * STATE["scale"]


@case("g17 a callee reads a global dict entry")
def g17(x, w):
    return np.sum(scaled(x) * w)


@case("g18 twin: the function rewrites the entry, then calls the callee")
def g18(x, w):
    STATE["scale"] = 2.0
    y = np.sum(scaled(x) * w)
    STATE["scale"] = 1.5
    return y


@case("g19 a global list extended by a callee, sum of its tail")
def g19(x, w):
    LOG.extend([x[0] * w, x[1]])
    s = LOG[-1] + LOG[-2]
    del LOG[:-4]
    return s * x[2]


@case("g20 twin: a global list slice written into")
def g20(x, w):
    LOG[:] = [x[0], x[1]]
    LOG[0] = LOG[1] * w
    return LOG[0] + LOG[1] * x[2]


# -- generators, iterators, random generators, hasattr, fill_diagonal, zip -------------

def squares(xs):
    for v in xs:
        yield v * v


@case("e01 a generator helper consumed by sum")
def e01(x, w):
    return sum(squares(x)) * w


@case("e02 twin: the generator consumed by list, then indexed")
def e02(x, w):
    ys = list(squares(x * w))
    return ys[0] + ys[2] * x[1]


@case("e03 a generator consumed by sorted (no ties)")
def e03(x, w):
    ys = sorted(squares(x + w))
    return ys[0] * 2.0 + ys[-1]


@case("e04 a generator consumed by max")
def e04(x, w):
    return max(squares(x * w)) + min(x)


@case("e05 twin: min of a generator near a tie-free point")
def e05(x, w):
    return min(squares(x - w)) * x[0]


@case("e06 iter and next over an array's items")
def e06(x, w):
    it = iter(x)
    a = next(it)
    b = next(it)
    return a * w + b * b


@case("e07 twin: next with a default after the end")
def e07(x, w):
    it = iter([x[0] * w])
    a = next(it)
    b = next(it, 0.5)
    return a * b + x[1]


@case("e08 a seeded random generator made in the function")
def e08(x, w):
    rng = np.random.default_rng(3)
    noise = rng.standard_normal(3)
    return np.sum((x + noise) ** 2) * w


@case("e09 twin: two draws from one seeded generator")
def e09(x, w):
    rng = np.random.default_rng(5)
    a = rng.uniform(size=3)
    b = rng.normal(size=3)
    return np.sum(x * a) + np.sum(x * b * w)


@case("e10 hasattr on an array and on a float")
def e10(x, w):
    y = x * w
    if hasattr(y, "shape"):
        y = y * 2.0
    if hasattr(w, "shape"):
        y = y + 1.0
    return np.sum(y * x)


@case("e11 np.fill_diagonal on an outer product")
def e11(x, w):
    m = np.outer(x, x)
    np.fill_diagonal(m, w)
    return np.sum(m * M33)


@case("e12 twin: fill_diagonal with an array of values")
def e12(x, w):
    m = M33 * w
    np.fill_diagonal(m, x * x)
    return np.sum(m ** 2)


class Unit:
    def __init__(self, k):
        self.k = k

    def apply(self, v):
        return v * self.k


UNITS = [Unit(1.0), Unit(2.0), Unit(-0.5)]


@case("e13 zip of objects and values")
def e13(x, w):
    s = 0.0
    for u, v in zip(UNITS, x):
        s = s + u.apply(v) * w
    return s


@case("e14 twin: zip of values and objects, unequal lengths")
def e14(x, w):
    s = 0.0
    for v, u in zip(x * w, UNITS[:2]):
        s = s + u.apply(v) ** 2
    return s + x[2]


@case("e15 enumerate over a generator")
def e15(x, w):
    s = 0.0
    for i, v in enumerate(squares(x)):
        s = s + i * v * w
    return s


@case("e16 a generator expression consumed by sum, with a filter on an int")
def e16(x, w):
    return sum(x[i] * w for i in range(3) if i != 1) + x[1]


@case("e17 twin: any/all over a generator of comparisons, then a branch")
def e17(x, w):
    if all(v < 2.0 for v in x):
        return np.sum(x * w)
    return np.sum(x)


@case("e18 a generator yielding pairs, unpacked")
def e18(x, w):
    def pairs():
        for i in range(2):
            yield x[i], x[i + 1]
    return sum(a * b * w for a, b in pairs())


@case("e19 sum of a generator with a start value")
def e19(x, w):
    return sum((v * w for v in x), 1.5 * x[0])


@case("e20 twin: next on a generator helper")
def e20(x, w):
    g = squares(x * w)
    first = next(g)
    second = next(g)
    return first + 2.0 * second


# -- method values, bound methods, tree_map, dicts of lists ----------------------------

class Feat:
    def __init__(self, w):
        self.w = w

    def features(self, v):
        return np.tanh(v * self.w)

    def twice(self, v):
        return 2.0 * v


@case("b01 a method value: g = h.features; g(x)")
def b01(x, w):
    h = Feat(w)
    g = h.features
    return np.sum(g(x) * x)


@case("b02 twin: the method value taken before the attribute changes")
def b02(x, w):
    h = Feat(w)
    g = h.features
    h.w = 2.0
    return np.sum(g(x))


@case("b03 a list of bound methods")
def b03(x, w):
    h = Feat(w)
    fs = [h.features, h.twice]
    s = 0.0
    for f in fs:
        s = s + np.sum(f(x))
    return s


@case("b04 twin: a list of bound methods of two objects")
def b04(x, w):
    fs = [Feat(w).features, Feat(0.5).features]
    return np.sum(fs[0](x) * fs[1](x))


@case("b05 a method value handed to a helper")
def b05(x, w):
    def call(f, v):
        return f(v)
    return np.sum(call(Feat(w).features, x) ** 2)


@case("b06 a dict of bound methods")
def b06(x, w):
    h = Feat(w)
    ops = {"f": h.features, "t": h.twice}
    return np.sum(ops["f"](x) + ops["t"](x))


# tree_map in this module (not test_function_values' copy): a recursive helper handed a
# lambda reading w is followed when it lives in the program's module (b09, b16)
def tree_map(f, tree):
    if isinstance(tree, dict):
        return {k: tree_map(f, v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(f, v) for v in tree)
    return f(tree)


def tree_sum(tree):
    if isinstance(tree, dict):
        return sum(tree_sum(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return sum(tree_sum(v) for v in tree)
    return np.sum(tree)


@case("b07 tree_map of np.sin over a nested tree")
def b07(x, w):
    tree = {"a": x * w, "b": [x, x[0]]}
    return tree_sum(tree_map(np.sin, tree))


@case("b08 twin: tree_map of a bound method")
def b08(x, w):
    h = Feat(w)
    return tree_sum(tree_map(h.features, [x, (x[1], x * 2.0)]))


@case("b09 tree_map of a lambda closing over w")
def b09(x, w):
    return tree_sum(tree_map(lambda t: t * t * w, {"p": x, "q": [x[2]]}))


@case("b10 a dict of lists made in a loop")
def b10(x, w):
    d = {}
    for i in range(3):
        d.setdefault("even" if i % 2 == 0 else "odd", []).append(x[i] * w)
    return sum(d["even"]) * sum(d["odd"])


@case("b11 twin: dict of lists built with 'in' and append")
def b11(x, w):
    d = {}
    for i in range(3):
        k = i % 2
        if k not in d:
            d[k] = []
        d[k].append(x[i] ** 2)
    return d[0][0] * w + d[0][1] + d[1][0]


@case("b12 a dict of lists whose lists are summed as arrays")
def b12(x, w):
    d = {"a": [], "b": []}
    for i in range(3):
        d["a"].append(x[i] * w)
        d["b"].append(x[i] + w)
    return np.sum(np.array(d["a"]) * np.array(d["b"]))


@case("b13 twin: a list of the dict's lists, written after")
def b13(x, w):
    d = {"a": [x[0]], "b": [x[1]]}
    rows = [d["a"], d["b"]]
    total = rows[0][0] * w + rows[1][0]
    return total * x[2]


@case("b14 tree_map mapping a method value over a dict of lists made in a loop")
def b14(x, w):
    d = {}
    for i in range(3):
        d[str(i)] = [x[i], x[i] * w]
    g = Feat(0.7).features
    return tree_sum(tree_map(g, d))


@case("b15 getattr of a method name, then called")
def b15(x, w):
    h = Feat(w)
    return np.sum(getattr(h, "features")(x) * x)


# -- the new rules ---------------------------------------------------------------------

@case("r01 builtin pow with a float exponent")
def r01(x, w):
    return np.sum(pow(np.abs(x) + 0.5, 2.5)) * w


@case("r02 twin: pow of a float by the differentiated exponent")
def r02(x, w):
    return pow(1.7, w) * np.sum(x) + pow(x[0] + 2.0, w)


@case("r03 pow with an int exponent and a negative base")
def r03(x, w):
    return pow(x[1], 3) + pow(w, 2) * x[0]


@case("r04 twin: three-argument pow on ints (a constant)")
def r04(x, w):
    return np.sum(x) * pow(3, 2, 5) * w


@case("r05 .item() of a 0-d and of a one-element array")
def r05(x, w):
    a = np.sum(x * w).item()
    b = x[1:2].item()
    return a * b + x[0]


@case("r06 twin: .item(i) of an array")
def r06(x, w):
    return x.item(2) * w + (x * w).item(0) ** 2


@case("r07 sum with where=")
def r07(x, w):
    return np.sum(x * w, where=x > 0) + np.sum(x ** 2, where=np.array([True, False, True]))


@case("r08 mean with where=")
def r08(x, w):
    return np.mean(x * x * w, where=np.array([True, True, False]))


@case("r09 twin: where= with initial= on sum")
def r09(x, w):
    return np.sum(x * w, where=x < 0.5, initial=x[0])


@case("r10 twin: where= that selects nothing in mean (nan), kept out by where")
def r10(x, w):
    m = np.mean(x * w, where=np.array([False, True, True]))
    return m * x[0]


@case("r11 trapezoid with x given")
def r11(x, w):
    return np.trapezoid(x * w, x=np.array([0.0, 0.5, 1.5]))


@case("r12 twin: trapezoid with dx and the differentiated grid")
def r12(x, w):
    return np.trapezoid(np.sin(x), x=np.cumsum(np.abs(x) + w))


@case("r13 interp at points between the knots")
def r13(x, w):
    return np.sum(np.interp(np.array([0.1, 0.7]), np.array([0.0, 0.5, 1.0]), x * w))


@case("r14 twin: interp with the query points differentiated")
def r14(x, w):
    return np.sum(np.interp(np.abs(x) * 0.5 + 0.05 * w, np.array([0.0, 0.4, 1.0]), np.array([1.0, -2.0, 3.0])))


@case("r15 convolve full")
def r15(x, w):
    return np.sum(np.convolve(x, np.array([1.0, w, 0.5])) ** 2)


@case("r16 twin: convolve same with the kernel longer than the signal")
def r16(x, w):
    return np.sum(np.convolve(x[:2] * w, x, mode="same") * np.arange(3.0))


@case("r17 twin: convolve valid of an array with itself")
def r17(x, w):
    return np.sum(np.convolve(x, x * w, mode="valid"))


@case("r18 np.add.reduce and np.multiply.reduce")
def r18(x, w):
    return np.add.reduce(x * w) + np.multiply.reduce(x + 2.0)


@case("r19 twin: np.maximum.reduce at a tie-free point")
def r19(x, w):
    return np.maximum.reduce(x * w) + np.minimum.reduce(x ** 2)


@case("r20 ufunc reduce along an axis of a matrix")
def r20(x, w):
    m = np.outer(x, x) * w
    return np.sum(np.add.reduce(m, axis=0) ** 2) + np.sum(np.multiply.reduce(m + 1.0, axis=1))


@case("r21 divmod of floats")
def r21(x, w):
    q, r = divmod(x[0] * 3.0 + 5.0, w)
    return r * x[1] + q


@case("r22 twin: divmod of an array by a float")
def r22(x, w):
    q, r = divmod(x * 4.0 + 3.0, w)
    return np.sum(r * r) + np.sum(q)


@case("r23 cov of a 2-row matrix")
def r23(x, w):
    m = np.stack([x, x ** 2 * w])
    return np.sum(np.cov(m) * np.array([[1.0, 0.5], [0.5, 2.0]]))


@case("r24 twin: cov of a vector (0-d result), bias=True")
def r24(x, w):
    return np.cov(x * w, bias=True) * x[0]


@case("r25 corrcoef of two vectors")
def r25(x, w):
    return np.corrcoef(x, np.sin(x) + w * x * x)[0, 1]


@case("r26 twin: corrcoef of the rows of a 3x3")
def r26(x, w):
    m = M33 + np.outer(x, np.array([0.2, -0.1, 0.3])) * w
    return np.sum(np.corrcoef(m) * M33)


@case("r27 bincount with weights")
def r27(x, w):
    return np.sum(np.bincount(np.array([0, 2, 2]), weights=x * w) ** 2)


@case("r28 twin: bincount with weights and minlength")
def r28(x, w):
    b = np.bincount(np.array([1, 1, 0]), weights=x, minlength=4)
    return np.sum(b * np.array([1.0, 2.0, 3.0, 4.0])) * w


@case("r29 sign of a complex value times a real one")
def r29(x, w):
    s = np.sign(x * C3 * w)
    return np.sum(np.real(s) * x) + np.sum(np.imag(s))


@case("r30 twin: sign of a complex value with zero real part")
def r30(x, w):
    s = np.sign(x * 1j + C3 * w)
    return np.sum(np.real(s)) + np.sum(np.imag(s) * x)


@case("r31 det of a complex matrix")
def r31(x, w):
    return np.abs(np.linalg.det(np.outer(x, C3) + M33 * w))


@case("r32 twin: slogdet of a complex matrix, sign and log")
def r32(x, w):
    sign, log = np.linalg.slogdet(M33 + np.outer(x * w, C3))
    return log + np.real(sign) * x[0]


@case("r33 np.stack of one array's rows")
def r33(x, w):
    m = np.outer(x, x) * w
    return np.sum(np.stack(m) * M33)


@case("r34 twin: np.vstack of a vector's items")
def r34(x, w):
    return np.sum(np.vstack(x * w) * np.array([[1.0], [2.0], [3.0]]))


@case("r35 a list times an array")
def r35(x, w):
    return np.sum([x[0], x[1] * w] * np.array([2.0, 3.0]))


@case("r36 twin: an array times a list of the same array's items")
def r36(x, w):
    return np.sum((x * w) * [x[2], x[1], x[0]])


@case("r37 pow on a 0-d array")
def r37(x, w):
    return pow(np.sum(x) + 2.0, w)


@case("r38 .item() inside a loop, accumulated")
def r38(x, w):
    s = 0.0
    for i in range(3):
        s = s + (x[i] * w).item()
    return s * x[0]


@case("r39 twin: interp outside the knots (flat)")
def r39(x, w):
    return np.sum(np.interp(np.array([-1.0, 2.0, 0.3]), np.array([0.0, 0.5, 1.0]), x * w))


@case("r40 cov with aweights given as constants")
def r40(x, w):
    return np.cov(x * w, aweights=np.array([1.0, 2.0, 3.0]))


@case("r41 twin: np.stack of a list holding one array row twice")
def r41(x, w):
    r = x * w
    return np.sum(np.stack([r, r]) * np.stack([x, x ** 2]))


@case("r42 float32 input through trapezoid and convolve", args=(X3.astype(np.float32), 0.8))
def r42(x, w):
    return float(np.trapezoid(np.convolve(x, np.array([1.0, w])), dx=0.5))


@case("r43 0-d array argument through pow and item", args=(np.array(0.7), 0.8))
def r43(x, w):
    return pow(x, 2) * w + (x * w).item()


@case("r44 twin: int data through where= sum", args=(X3, 0.8))
def r44(x, w):
    k = np.array([1, 2, 3])
    return np.sum(k * x * w, where=k > 1)


@case("r45 twin: pow with a bool exponent (True is 1)")
def r45(x, w):
    return np.sum(pow(x * w, True)) + pow(w, False)


@case("r46 det of a complex matrix read through real and imag")
def r46(x, w):
    d = np.linalg.det(M33 * w + np.outer(x, C3))
    return np.real(d) * x[0] + np.imag(d)


@case("r47 twin: slogdet of a real matrix with a negative determinant")
def r47(x, w):
    m = np.array([[0.0, 1.0, 0.2], [1.0, 0.0, 0.3], [0.1, 0.2, 1.0]]) + np.outer(x, x) * 0.1 * w
    sign, log = np.linalg.slogdet(m)
    return sign * log


@case("b16 tree_map to second order over a dict of lists made in a loop")
def b16(x, w):
    d = {}
    for i in range(3):
        d.setdefault(i % 2, []).append(x[i] * w)
    return tree_sum(tree_map(lambda t: np.tanh(t) * t, d))


@case("b17 twin: a dict of lists made in a loop, one list read while the other grows")
def b17(x, w):
    d = {"a": [], "b": []}
    for i in range(3):
        d["a"].append(x[i] * w)
        if i > 0:
            d["b"].append(d["a"][i - 1] * x[i])
    return np.sum(np.stack(d["a"]) ** 2) + sum(d["b"])


@case("e21 sorted of a generator with a key")
def e21(x, w):
    ys = sorted(squares(x * w), key=lambda v: -v)
    return ys[0] + 0.5 * ys[1]


@case("e22 twin: min of a generator with a default")
def e22(x, w):
    return min((v * w for v in x if v > 0.0), default=0.0) + x[1]


@case("g21 twin: a global list read, not written, holding arrays")
def g21(x, w):
    return np.sum(x * SHAPES[0]) + np.sum(SHAPES[1] * w)


SHAPES = [np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.5, 0.5])]
