"""Programs of the fifth acceptance hunt, aimed at writes into items of containers (which
astgrad makes into a copy of the item the container takes back) and at objects holding
None or functions: each program astgrad follows has twins where another name keeps the
item written into (before or after the write, in a loop, in a branch, through a helper,
a closure, a dict view, an object's attribute, the same object held twice, views of one
array), which Python shows the write and astgrad must refuse. Then second-order writes,
stacks holding rows, layers holding None, a lambda or np.tanh, complex spectra through
abs at second order, and loops whose saved values start as placeholders. Each entry of
CASES is (name, f, args, wrt); a name says "follow" (astgrad computes what Python does)
or "twin" (astgrad must refuse). Used by tests/test_hunt5_programs.py."""

import collections
import copy
import dataclasses
import operator

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
M23 = np.array([[0.2, -0.5, 0.4], [0.9, 0.1, -0.3]])
Z = 0.3 + 0.5j
ZA = np.array([1 + 1j, 2 - 1j, 0.5j])
CASES, case = case_table((X3, 0.8))

@case("k01 baseline: write into a dict's list item, read back through the dict")
def k01(x, w):
    d = {"a": [x[0], x[1]]}
    d["a"][0] = d["a"][1] * w
    return d["a"][0] * x[2] + d["a"][1]

@case("k02 twin: name keeps the list item before the write")
def k02(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    d["a"][0] = d["a"][1] * w
    return r[0] * x[2] + r[1]

@case("k03 twin: name taken after the write, written through the name")
def k03(x, w):
    d = {"a": [x[0], x[1]]}
    d["a"][0] = d["a"][1] * w
    r = d["a"]
    r[1] = r[0] * x[2]
    return d["a"][0] + d["a"][1] * w

@case("k04 twin: the name is taken in the first loop step only")
def k04(x, w):
    d = {"a": [x[0], x[1]]}
    keep = None
    for i in range(3):
        if i == 0:
            keep = d["a"]
        d["a"][0] = d["a"][0] * w + x[i]
    return keep[0] * x[1]

@case("k05 twin: the name is taken in one branch")
def k05(x, w):
    d = {"a": [x[0], x[1]]}
    if w > 0:
        r = d["a"]
    else:
        r = [1.0, 2.0]
    d["a"][1] = x[2] * w
    return r[1] * w + r[0]

def get_a(d):
    return d["a"]

@case("k06 twin: the item comes back from a helper")
def k06(x, w):
    d = {"a": [x[0], x[1]]}
    r = get_a(d)
    d["a"][0] = x[2] * w
    return r[0] * r[1]

@case("k07 twin: a closure reads the item through a name bound before")
def k07(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    def first():
        return r[0]
    d["a"][0] = x[2] * w
    return first() * w

@case("k08 twin: a list of the dict's values kept before the write")
def k08(x, w):
    d = {"a": [x[0], x[1]], "b": [x[2]]}
    vals = list(d.values())
    d["a"][0] = x[2] * w
    return vals[0][0] * vals[1][0]

@case("k09 twin: a live dict view iterated after the write")
def k09(x, w):
    d = {"a": [x[0], x[1]], "b": [x[2], w]}
    vals = d.values()
    d["a"][0] = x[2] * w
    total = 0.0
    for v in vals:
        total = total + v[0] * v[1]
    return total

@case("k10 twin: an object attribute holds the item")
def k10(x, w):
    class Box:
        pass
    b = Box()
    d = {"a": [x[0], x[1]]}
    b.row = d["a"]
    d["a"][1] = x[2] * w
    return b.row[1] * x[0]

@case("k11 twin: the same list held twice by one dict")
def k11(x, w):
    r = [x[0], x[1]]
    d = {"a": r, "b": r}
    d["a"][0] = x[2] * w
    return d["b"][0] * w + d["a"][1]

@case("k12 twin: the same list held by two dicts")
def k12(x, w):
    r = [x[0], x[1]]
    d = {"a": r}
    e = {"b": r}
    d["a"][0] = x[2] * w
    return e["b"][0] * w

@case("k13 twin: [row] * 2 written through the first")
def k13(x, w):
    rows = [[x[0], x[1]]] * 2
    rows[0][0] = x[2] * w
    return rows[1][0] * x[1]

@case("k14 twin: [zeros] * 2 arrays written through the first")
def k14(x, w):
    rows = [np.zeros(3)] * 2
    rows[0][1] = x[2] * w
    return np.sum(rows[1] * x)

@case("k15 twin: items that are overlapping views of one array")
def k15(x, w):
    a = x * 1.0
    parts = [a[:2], a[1:]]
    parts[0][1] = w * x[0]
    return np.sum(parts[1] * x[1:]) + np.sum(a)

@case("k16 twin: rows of a 2-d array in a list; written through the list")
def k16(x, w):
    m = np.outer(x, x)
    rows = list(m)
    rows[0][1] = w
    return np.sum(m * m)

@case("k17 twin: a dict holding a parameter array, written in place")
def k17(x, w):
    d = {"a": x}
    d["a"][0] = w * x[1]
    return np.sum(x ** 2)

@case("k18 twin: a shallow slice copy of a list of lists")
def k18(x, w):
    rows = [[x[0], x[1]], [x[2], w]]
    copy_ = rows[:]
    rows[0][0] = x[2] * w
    return copy_[0][0] * x[1] + rows[0][0]

@case("k19 twin: list(rows) keeps the inner lists")
def k19(x, w):
    rows = [[x[0], x[1]], [x[2], w]]
    other = list(rows)
    rows[1][1] = x[0] * w
    return other[1][1] * x[2]

@case("k20 twin: a comprehension keeping the rows")
def k20(x, w):
    rows = [[x[0], x[1]], [x[2], w]]
    keep = [r for r in rows]
    rows[0][1] = x[2] * w
    return keep[0][1] * x[0]

@case("k21 follow: deepcopy before the write")
def k21(x, w):
    rows = [[x[0], x[1]], [x[2], w]]
    other = copy.deepcopy(rows)
    rows[0][0] = x[2] * w
    return other[0][0] * rows[0][0]

@case("k22 follow: a copy of the row before the write")
def k22(x, w):
    d = {"a": [x[0], x[1]]}
    r = list(d["a"])
    d["a"][0] = x[2] * w
    return r[0] * d["a"][0]

@case("k23 twin: d.get keeps the item")
def k23(x, w):
    d = {"a": [x[0], x[1]]}
    r = d.get("a")
    d["a"][1] = x[2] * w
    return r[1] * x[0]

@case("k24 twin: setdefault keeps the item")
def k24(x, w):
    d = {}
    r = d.setdefault("a", [x[0], x[1]])
    d["a"][0] = x[2] * w
    return r[0] * w

@case("k25 twin: loop variable over values writes the items")
def k25(x, w):
    d = {"a": [x[0], x[1]], "b": [x[2], w]}
    for row in d.values():
        row[0] = row[0] * w
    return d["a"][0] * d["b"][0]

@case("k26 twin: loop over items writes the items")
def k26(x, w):
    d = {"a": [x[0], x[1]], "b": [x[2], w]}
    for k, row in d.items():
        row[1] = row[0] * row[1]
    return d["a"][1] + d["b"][1]

@case("k27 twin: loop over a list of lists writes each row")
def k27(x, w):
    rows = [[x[0], x[1]], [x[2], w]]
    for r in rows:
        r[0] = r[0] * w
    return rows[0][0] * rows[1][0]

@case("k28 follow: a nonlocal list of lists written by a closure")
def k28(x, w):
    acc = [[0.0, 0.0]]
    def add(v):
        acc[0][0] = acc[0][0] + v
    for v in x:
        add(v * w)
    return acc[0][0] * w

@case("k29 twin: object attribute list written by index, name kept")
def k29(x, w):
    class O:
        pass
    o = O()
    o.h = [x[0], x[1]]
    hh = o.h
    o.h[0] = x[2] * w
    return hh[0] * x[1]

@dataclasses.dataclass
class Hold:
    vals: list

@case("k30 follow: a dataclass list field written by index")
def k30(x, w):
    p = Hold([x[0], x[1]])
    p.vals[0] = p.vals[1] * w
    return p.vals[0] * x[2]

@case("k31 twin: dataclass list field given from a name kept")
def k31(x, w):
    v = [x[0], x[1]]
    p = Hold(v)
    p.vals[0] = p.vals[1] * w
    return v[0] * x[2]

@case("k32 twin: a stack of the same row each step (list append)")
def k32(x, w):
    d = {"a": [x[0], x[1]]}
    hist = []
    for i in range(3):
        hist.append(d["a"])
        d["a"][1] = d["a"][1] * w + x[i]
    return hist[0][1] * x[0]

@case("k33 follow: a stack of copies of the row")
def k33(x, w):
    d = {"a": [x[0], x[1]]}
    hist = []
    for i in range(3):
        hist.append(list(d["a"]))
        d["a"][1] = d["a"][1] * w + x[i]
    return hist[0][1] * x[0] + hist[2][1] * d["a"][1]

@case("k34 follow: a stack of numbers read from the row")
def k34(x, w):
    d = {"a": [x[0], x[1]]}
    hist = []
    for i in range(3):
        hist.append(d["a"][1])
        d["a"][1] = d["a"][1] * w + x[i]
    return hist[0] * hist[2] + d["a"][1]

@case("k35 twin: dict of dicts, the inner dict kept in a tuple")
def k35(x, w):
    d = {"a": {"m": x[0]}}
    pair = (d["a"], 1.0)
    d["a"]["m"] = x[1] * w
    return pair[0]["m"] * x[2]

@case("k36 twin: t = d[a]; t[b] = v; d[a] = t; u = t kept and written")
def k36(x, w):
    d = {0: [x[0], x[1]]}
    t = d[0]
    u = t
    t[0] = x[2] * w
    d[0] = t
    u[1] = u[0] * w
    return d[0][1] * x[0]

@case("k37 twin: list item being an array, the array kept under a name")
def k37(x, w):
    a = x * 2.0
    L = [a, x]
    L[0][1] = w
    return np.sum(a * x)

@case("k38 twin: reversed alias: items swapped then one written")
def k38(x, w):
    L = [[x[0]], [x[1]]]
    L[0], L[1] = L[1], L[0]
    M = [L[0], L[1], L[0]]
    M[2][0] = x[2] * w
    return L[0][0] * w + M[0][0]

@case("k39 follow: an item written in a loop, kept by a name taken after each write")
def k39(x, w):
    d = {"a": [x[0], x[1]]}
    total = 0.0
    for i in range(3):
        d["a"][0] = d["a"][0] * w + x[i]
        r = d["a"]
        total = total + r[0]
    return total + r[0]

@case("k40 follow: a rebinding of the item breaks the sharing")
def k40(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    d["a"] = [x[1], x[2]]
    d["a"][0] = d["a"][0] * w
    return r[0] * d["a"][0]

@case("k41 twin: nested list written at two levels, inner kept")
def k41(x, w):
    d = {"a": [[x[0], x[1]], [x[2], w]]}
    inner = d["a"][1]
    d["a"][1][0] = x[0] * w
    return inner[0] * x[1]

@case("k42 twin: dict.update from another dict shares the items")
def k42(x, w):
    src = {"a": [x[0], x[1]]}
    d = {}
    d.update(src)
    d["a"][0] = x[2] * w
    return src["a"][0] * x[1]

@case("k43 twin: item written via operator.setitem after an alias")
def k43(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    operator.setitem(d["a"], 0, x[2] * w)
    return r[0] * x[1]

@case("k44 twin: augmented write into an item another name holds")
def k44(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    d["a"][0] += x[2] * w
    return r[0] * x[1]

@case("k45 twin: augmented write into an array item held by a name")
def k45(x, w):
    a = x * 1.0
    d = {"a": a}
    d["a"][1:] *= w
    return np.sum(a ** 2)

@case("k46 twin: array item of a dict, written, a view of it kept")
def k46(x, w):
    d = {"a": x * 1.0}
    v = d["a"][1:]
    d["a"][2] = w * x[0]
    return np.sum(v * x[1:])

@case("k47 twin: default argument list of lists")
def k47(x, w, rows=None):
    rows = rows if rows is not None else [[0.0, 0.0]]
    keep = rows[0]
    rows[0][0] = x[0] * w
    return keep[0] * x[1]

@case("m01 follow: dict of arrays, an element written per step from the previous one")
def m01(x, w):
    d = {"p": x * 1.0, "q": x * w}
    for i in range(1, 3):
        d["p"][i] = d["p"][i - 1] * d["q"][i] + w
    return np.sum(d["p"] ** 2)

@case("m02 follow: nested loops writing a list of lists")
def m02(x, w):
    g = [[0.0, 0.0], [0.0, 0.0]]
    for i in range(2):
        for j in range(2):
            g[i][j] = x[i] * x[j + 1] * w + (g[i][j - 1] if j > 0 else 0.0)
    return g[0][1] * g[1][1] + g[1][0]

@case("m03 follow: a write in a while loop")
def m03(x, w):
    d = {"v": [x[0], x[1]]}
    k = 0
    while k < 3:
        d["v"][k % 2] = d["v"][(k + 1) % 2] * w + x[2]
        k += 1
    return d["v"][0] * d["v"][1]

@case("m04 follow: the key chosen by a branch")
def m04(x, w):
    d = {"a": [x[0], 1.0], "b": [x[1], 2.0]}
    key = "a" if x[2] > 0 else "b"
    d[key][1] = d[key][0] * w
    return d["a"][1] * x[2] + d["b"][1]

@case("m05 follow: append a row then write into it")
def m05(x, w):
    rows = []
    for i in range(3):
        rows.append([x[i], 0.0])
        rows[-1][1] = rows[-1][0] * w
    return sum(r[1] * r[0] for r in rows)

def readall(d):
    return sum(d["v"])

@case("m06 follow: a helper reads the dict between writes")
def m06(x, w):
    d = {"v": [x[0], x[1]]}
    s = readall(d)
    d["v"][0] = s * w
    s2 = readall(d)
    return s * s2

@case("m07 follow: a row pushed on a stack and dropped, the dict written after")
def m07(x, w):
    d = {"a": [x[0], x[1]]}
    stack = [d["a"]]
    stack.pop()
    d["a"][0] = d["a"][1] * w
    return d["a"][0] * x[2]

@case("m08 twin: a row pushed on a stack, written, popped and read")
def m08(x, w):
    d = {"a": [x[0], x[1]]}
    stack = [d["a"]]
    d["a"][0] = d["a"][1] * w
    top = stack.pop()
    return top[0] * x[2]

@case("m09 twin: a name read in the next step sees the write")
def m09(x, w):
    d = {"a": [x[0], x[1]]}
    total = 0.0
    tmp = [0.0, 0.0]
    for i in range(3):
        total = total + tmp[0]
        tmp = d["a"]
        d["a"][0] = d["a"][0] * w + x[i]
    return total

@case("m10 follow: a name rebound before any read after the write")
def m10(x, w):
    d = {"a": [x[0], x[1]]}
    tmp = d["a"]
    s = tmp[0] * x[2]
    d["a"][0] = d["a"][1] * w
    tmp = [s, 1.0]
    return tmp[0] * d["a"][0]

@case("m11 twin: stack of rows read after, through indexing not pop")
def m11(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    for i in range(2):
        stack.append(d["a"])
        d["a"][1] = d["a"][0] * w + x[i]
    return stack[0][1] * x[2]

@case("m12 twin: dict value kept by a second dict, pushed and read back")
def m12(x, w):
    d = {"a": {"m": x[0]}}
    keep = {"k": d["a"]}
    d["a"]["m"] = x[1] * w
    return keep["k"]["m"] * x[2]

class Layer:
    def __init__(self, W, act=None):
        self.W = W
        self.act = act
    def __call__(self, h):
        h = self.W * h
        if self.act is not None:
            h = self.act(h)
        return h

@case("m13 follow: layers, one holding None, one np.tanh")
def m13(x, w):
    layers = [Layer(w, np.tanh), Layer(2.0), Layer(w * 0.5, np.sin)]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h ** 2)

@case("m14 follow: a layer holding a lambda closing over w")
def m14(x, w):
    layers = [Layer(1.5, lambda h: h * w + np.sin(h)), Layer(w)]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h)

@case("m15 follow: a layer's act rebound inside the function")
def m15(x, w):
    layer = Layer(w)
    a = np.sum(layer(x))
    layer.act = np.tanh
    b = np.sum(layer(x) ** 2)
    return a * b

@case("m16 follow: a layer's act set to None after use")
def m16(x, w):
    layer = Layer(w, np.exp)
    a = np.sum(layer(x))
    layer.act = None
    return a + np.sum(layer(x) ** 3)

@case("m17 follow: act chosen by a branch on the data")
def m17(x, w):
    act = np.tanh if x[0] > 0 else None
    layer = Layer(w, act)
    return np.sum(layer(x) * x)

GL = Layer(1.3, np.tanh)

@case("m18 follow: a global layer called twice")
def m18(x, w):
    return np.sum(GL(x * w) + GL(x) ** 2)

@case("m19 follow: a layer whose W is a list written by index")
def m19(x, w):
    layer = Layer([x[0], x[1]])
    layer.W[0] = layer.W[1] * w
    return layer.W[0] * x[2]

@case("m20 twin: a layer's list W kept under a name and written through the layer")
def m20(x, w):
    Wl = [x[0], x[1]]
    layer = Layer(Wl)
    layer.W[0] = layer.W[1] * w
    return Wl[0] * x[2]

@case("m21 twin: a layer's array W given from a name, written through the layer")
def m21(x, w):
    Wa = x * 1.0
    layer = Layer(Wa)
    layer.W[0] = w
    return np.sum(Wa * x)

@case("m22 twin: two layers share one W list, one written")
def m22(x, w):
    Wl = [x[0], x[1]]
    a = Layer(Wl)
    b = Layer(Wl)
    a.W[1] = x[2] * w
    return b.W[1] * x[0]

@dataclasses.dataclass
class State:
    m: dict
    v: np.ndarray

@case("m23 follow: dataclass with dict field written by key in a loop")
def m23(x, w):
    s = State({}, x * 0.0)
    for i in range(3):
        s.m[i] = x[i] * w + s.m.get(i - 1, 0.0)
    return s.m[2] * s.m[1]

@case("m24 twin: dataclass dict field given from a name kept, then read")
def m24(x, w):
    mm = {0: x[0]}
    s = State(mm, x)
    s.m[0] = x[1] * w
    return mm[0] * x[2]

@case("m25 twin: namedtuple holding a list, written via the tuple")
def m25(x, w):
    P = collections.namedtuple("P", "a b")
    lst = [x[0], x[1]]
    p = P(lst, 1.0)
    p.a[0] = x[2] * w
    return lst[0] * x[1]

@case("m26 twin: a tuple holding a list, written via the tuple")
def m26(x, w):
    lst = [x[0], x[1]]
    t = (lst, 1.0)
    t[0][0] = x[2] * w
    return lst[0] * x[1]

@case("m27 twin: object attribute list appended after being kept")
def m27(x, w):
    class O:
        pass
    o = O()
    o.h = []
    keep = o.h
    for v in x:
        o.h.append(v * w)
    return sum(keep) * w

@case("m28 twin: object built with a list from a dict item, dict read after")
def m28(x, w):
    d = {"a": [x[0], x[1]]}
    lay = Layer(d["a"])
    lay.W[1] = x[2] * w
    return d["a"][1] * x[0]

@case("c01 Parseval through abs of an fft")
def c01(x, w):
    return np.sum(np.abs(np.fft.fft(x * w)) ** 2)

@case("c02 abs of an fft to the first power")
def c02(x, w):
    return np.sum(np.abs(np.fft.fft(x + w)) * w)

@case("c03 abs of x times a complex global")
def c03(x, w):
    return np.sum(np.abs(x * Z + w) ** 3)

@case("c04 var of a complex spectrum")
def c04(x, w):
    return np.var(np.fft.fft(x * w))

@case("c05 vdot of two spectra")
def c05(x, w):
    return np.real(np.vdot(np.fft.fft(x), np.fft.fft(x * w)))

@case("c06 real of a spectrum times the conj of another")
def c06(x, w):
    return np.real(np.sum(np.fft.fft(x) * np.conj(np.fft.fft(x * w))))

@case("c07 mean of abs(rfft)**3", (X4, 0.8))
def c07(x, w):
    return np.mean(np.abs(np.fft.rfft(x * w)) ** 3)

@case("c08 abs of x times a complex global array, squared, times w")
def c08(x, w):
    return np.sum(np.abs(x * ZA) ** 2 * w + np.abs(x * ZA + w))

@case("c09 abs of a complex global product inside a loop")
def c09(x, w):
    s = 0.0
    for i in range(3):
        s = s + abs(x[i] * Z + w * ZA[i])
    return s * w

@case("c10 the product of two abs of spectra")
def c10(x, w):
    a = np.abs(np.fft.fft(x))
    b = np.abs(np.fft.fft(x * w + 1.0))
    return np.sum(a * b)

@case("c11 abs of an irfft of a scaled rfft", (X4, 0.8))
def c11(x, w):
    s = np.fft.rfft(x)
    s = s * w
    return np.sum(np.abs(np.fft.irfft(s, n=4) + 0.1) ** 2)

@case("c12 abs of spectrum items indexed")
def c12(x, w):
    s = np.fft.fft(x * w)
    return np.abs(s[1]) * np.abs(s[2]) + np.abs(s[0])

@case("c13 np.linalg.norm of a spectrum")
def c13(x, w):
    return np.linalg.norm(np.fft.fft(x * w))

@case("c14 abs of a spectrum divided by a complex global")
def c14(x, w):
    return np.sum(np.abs(np.fft.fft(x) / Z * w) ** 2)

@case("c15 mean of the imaginary part squared")
def c15(x, w):
    s = np.fft.fft(x * w + x ** 2)
    return np.mean(np.imag(s) ** 2) + np.mean(np.real(s))

@case("p01 follow: a value first assigned in a loop (saved from a placeholder)")
def q1(x, w):
    s = 0.0
    for i in range(3):
        h = np.tanh(x * w + i)
        s = s + np.sum(h * h)
    return s

@case("p02 follow: a value assigned in either branch in a loop, read after it")
def q2(x, w):
    s = x
    for i in range(3):
        if i % 2 == 0:
            t = np.sin(s) * w
        else:
            t = s * s
        s = s + 0.1 * t
    return np.sum(s * t)

@case("p03 follow: values first assigned in a while loop, one read after it")
def q3(x, w):
    s = 0.0
    k = 0
    while k < 3:
        a = x[k] * w
        b = a * a
        s = s + b * a
        k += 1
    return s + a

@case("p04 follow: a loop variable read after the loop, with appends")
def q4(x, w):
    acc = []
    for v in x:
        z = v * w
        acc.append(z * z)
    return sum(acc) * z


@case("s01 twin: pushed, written, popped and read in the same step")
def s01(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    total = 0.0
    for i in range(3):
        stack.append(d["a"])
        d["a"][0] = d["a"][0] * w + x[i]
        top = stack.pop()
        total = total + top[0]
    return total

@case("s02 follow: pushed, written, popped and dropped each step")
def s02(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    for i in range(3):
        stack.append(d["a"])
        d["a"][0] = d["a"][0] * w + x[i]
        stack.pop()
    return d["a"][0] * d["a"][1]

@case("s03 twin: pushed each step, read by stack[-1] after the write")
def s03(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    total = 0.0
    for i in range(3):
        stack.append(d["a"])
        d["a"][1] = d["a"][1] * w + x[i]
        total = total + stack[-1][1]
    return total

@case("s04 follow: only the stack's length read")
def s04(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    for i in range(3):
        stack.append(d["a"])
        d["a"][1] = d["a"][1] * w + x[i]
    return d["a"][1] * len(stack)

@case("s05 twin: popped in the next step")
def s05(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    total = 0.0
    for i in range(3):
        if stack:
            total = total + stack.pop()[0]
        stack.append(d["a"])
        d["a"][0] = d["a"][0] * w + x[i]
    return total

@case("s06 twin: held by a dict of steps, read after the loop")
def s06(x, w):
    d = {"a": [x[0], x[1]]}
    saved = {}
    for i in range(3):
        saved[i] = d["a"]
        d["a"][0] = d["a"][0] * w + x[i]
    return saved[0][0] * x[1]

@case("s07 twin: pushed before a helper writes the dict, popped after")
def s07(x, w):
    state = {"m": {}}
    state["m"]["a"] = x[0]
    stack = [state["m"]]
    upd(state, "a", x[1] * w)
    top = stack.pop()
    return top["a"] * x[2]

def upd(state, k, v):
    state["m"][k] = state["m"][k] + v

@case("s08 follow: pushed before a helper writes the dict, popped and dropped")
def s08(x, w):
    state = {"m": {}}
    state["m"]["a"] = x[0]
    stack = [state["m"]]
    upd(state, "a", x[1] * w)
    stack.pop()
    return state["m"]["a"] * x[2]

@case("s09 twin: stack of rows read through a loop after the writes")
def s09(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    for i in range(2):
        stack.append(d["a"])
        d["a"][0] = d["a"][0] * w + x[i]
    total = 0.0
    for r in stack:
        total = total + r[0]
    return total

@case("s10 twin: a row pushed, then the stack aliased and popped through the alias")
def s10(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    other = stack
    stack.append(d["a"])
    d["a"][0] = x[2] * w
    return other.pop()[0] * x[1]

@case("s11 twin: a row pushed in a branch, written, read after")
def s11(x, w):
    d = {"a": [x[0], x[1]]}
    stack = [[0.0, 0.0]]
    if x[0] > 0:
        stack.append(d["a"])
    d["a"][0] = x[2] * w
    return stack[-1][0] * x[1]

@case("s12 twin: a row pushed as a tuple item, written, read after")
def s12(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    stack.append((d["a"], 1.0))
    d["a"][0] = x[2] * w
    row, _ = stack.pop()
    return row[0] * x[1]


@case("v01 twin: a view of the argument held by a dict, written")
def v01(x, w):
    d = {"a": x[1:]}
    d["a"][0] = w
    return np.sum(x ** 2)

@case("v02 twin: a reshaped argument held by a list, written")
def v02(x, w):
    L = [x.reshape(3, 1)]
    L[0][2, 0] = w * x[0]
    return np.sum(x * x)

@case("v03 twin: np.split views of a local array, written through the list")
def v03(x, w):
    a = x * 2.0
    parts = np.split(a, 3)
    parts[1][0] = w
    return np.sum(a ** 2)

@case("v04 twin: np.asarray of a local array held by a dict")
def v04(x, w):
    a = x * 2.0
    d = {"k": np.asarray(a)}
    d["k"][0] = w
    return np.sum(a * x)

@case("v05 twin: a transposed local matrix held by a dict", (M23, 0.8))
def v05(m, w):
    a = m * 1.0
    d = {"t": a.T}
    d["t"][0, 1] = w
    return np.sum(a ** 2)

@case("v06 twin: a view() of a local array in a list")
def v06(x, w):
    a = x + 1.0
    L = [a.view()]
    L[0][1] = w * x[2]
    return np.sum(a * x)

@case("v07 twin: np.atleast_1d of a local array in a dict")
def v07(x, w):
    a = x + 1.0
    d = {"k": np.atleast_1d(a)}
    d["k"][1] = w * x[2]
    return np.sum(a * x)

@case("v08 twin: rows of a local matrix via unpacking into a dict", (M23, 0.8))
def v08(m, w):
    a = m * 1.0
    r0, r1 = a
    d = {"r": r0}
    d["r"][1] = w
    return np.sum(a * m)

@case("v09 twin: ravel of a local matrix in a list (a view)", (M23, 0.8))
def v09(m, w):
    a = m * 1.0
    L = [a.ravel()]
    L[0][4] = w
    return np.sum(a * m)

@case("v10 follow: flatten of a local matrix in a list (a copy)", (M23, 0.8))
def v10(m, w):
    a = m * 1.0
    L = [a.flatten()]
    L[0][4] = w * a[0, 0]
    return np.sum(a * m) + np.sum(L[0] ** 2)

@case("v11 twin: a view taken by a helper returning its argument's slice")
def v11(x, w):
    a = x * 1.0
    d = {"k": tail(a)}
    d["k"][0] = w
    return np.sum(a * x)

def tail(v):
    return v[1:]

@case("v12 twin: np.diagonal view (read-only) or squeeze view held by a dict", (M23, 0.8))
def v12(m, w):
    a = m[:1] * 1.0
    d = {"k": np.squeeze(a)}
    d["k"][1] = w
    return np.sum(a * m[:1])

@case("v13 twin: array item written via a dict, the array also in a tuple")
def v13(x, w):
    a = x * 1.0
    t = (a, 2)
    d = {"k": t[0]}
    d["k"][2] = w
    return np.sum(t[0] * x)

@case("v14 twin: a view of a dict's array kept by another dict, the first written")
def v14(x, w):
    d = {"k": x * 1.0}
    e = {"v": d["k"][:2]}
    d["k"][1] = w
    return np.sum(e["v"] * x[:2])


class Doubling(list):
    def __setitem__(self, i, v):
        super().__setitem__(i, 2.0 * v)

class Logged(dict):
    def __setitem__(self, k, v):
        super().__setitem__(k, v)
        super().__setitem__("last", v)

@case("t01 twin: a list subclass doubling what is written, held by a dict")
def t01(x, w):
    d = {"a": Doubling([x[0], x[1]])}
    d["a"][0] = x[2] * w
    return d["a"][0] * x[1]

@case("t02 twin: a list subclass doubling what is written, a local")
def t02(x, w):
    L = Doubling([x[0], x[1]])
    L[0] = x[2] * w
    return L[0] * x[1]

@case("t03 twin: a dict subclass storing the last value too, held by a dict")
def t03(x, w):
    d = {"a": Logged()}
    d["a"]["k"] = x[2] * w
    return d["a"]["last"] * x[1]

@case("t04 twin: a dict subclass storing the last value too, a local")
def t04(x, w):
    d = Logged()
    d["k"] = x[2] * w
    return d["last"] * x[1]

@case("t05 follow: a deque item of a dict written by index")
def t05(x, w):
    d = {"q": collections.deque([x[0], x[1]])}
    d["q"][1] = x[2] * w
    return d["q"][1] * d["q"][0]

@case("t06 follow: an OrderedDict item of a list written by key")
def t06(x, w):
    L = [collections.OrderedDict(a=x[0], b=x[1])]
    L[0]["b"] = L[0]["a"] * w
    return L[0]["b"] * x[2]

@case("t07 follow: a defaultdict(float) item of a dict written by key in a loop")
def t07(x, w):
    d = {"acc": collections.defaultdict(float)}
    for i in range(3):
        d["acc"][i % 2] = d["acc"][i % 2] + x[i] * w
    return d["acc"][0] * d["acc"][1]

class Vec:
    def __init__(self, a):
        self.a = list(a)
    def __getitem__(self, i):
        return self.a[i]
    def __setitem__(self, i, v):
        self.a[i] = v * 3.0

@case("t08 twin: a user container with __setitem__ scaling, held by a dict")
def t08(x, w):
    d = {"v": Vec([x[0], x[1]])}
    d["v"][0] = x[2] * w
    return d["v"][0] * x[1]

@case("t09 twin: a list subclass doubling, written in place with +=")
def t09(x, w):
    d = {"a": Doubling([x[0], x[1]])}
    d["a"][1] += x[2] * w
    return d["a"][1] * x[0]

@case("t10 twin: np.matrix (no derivative rule) held by a dict")
def t10(x, w):
    d = {"m": np.asmatrix(np.outer(x, x))}
    d["m"][0, 1] = w
    return float(np.sum(np.asarray(d["m"]) * 2.0))
