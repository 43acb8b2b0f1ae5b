"""The sixty-fourth hunt's programs: where recent capabilities meet each other and
ordinary code. Lists of objects of run-time length moved, zipped, enumerated, sorted and
comprehended, then written through methods, ``out=``, ``numpy.put`` and ``+=`` on
attributes, the same objects also held by a dict or a second list (a..., e...); methods
changing their object called through partials, bound methods stored on objects or in
lists and dicts, comprehensions, on receivers whose class a branch decides (b..., g...);
loop temporaries changed in place by helpers, methods and closures, nested loops,
``break``, ``continue`` and early returns (c..., f...); odd dtypes and lengths (d...);
``out=`` into attributes' elements, ``ufunc.at`` on attributes, aliases rebound in loops
(h...); the bugs found, each in its smallest form (k...). Each is (name, f, args, wrt);
tests/test_hunt64.py checks them against central finite differences."""

import collections
import dataclasses
import functools

import numpy as np

X4 = np.array([0.7, -1.3, 0.4, 2.1])
W = 0.8


@dataclasses.dataclass
class Cell:
    W: np.ndarray
    b: float = 0.0

    def step(self, w):
        self.W = self.W * w

    def bump(self, w):
        self.b += w

    def scale_out(self, w):
        np.multiply(self.W, w, out=self.W)

    def put_first(self, w):
        np.put(self.W, [0], self.W[0] * w)

    def grow(self, w):
        self.W += w
        return np.sum(self.W)


class Plain:
    def __init__(self, W):
        self.W = W

    def step(self, w):
        self.W = self.W * w

    def scale_out(self, w):
        np.multiply(self.W, w, out=self.W)


class Still:
    def __init__(self, W):
        self.W = W

    def step(self, w):
        return self.W * w


Pair = collections.namedtuple("Pair", "W v")


# ---- A: lists of run-time length, moved, zipped, enumerated, comprehended
def a01(x, w):
    cells = [Cell(x * (i + 1)) for i in range(len(x))]
    ys = cells[1:]
    for y in ys:
        y.step(w)
    return sum(np.sum(c.W) for c in cells)


def a02(x, w):
    cells = [Cell(x * (i + 1)) for i in range(len(x))]
    ys = list(reversed(cells))
    for i, y in enumerate(ys):
        y.W[i] = y.W[i] * w
    return np.sum(cells[0].W * cells[-1].W)


def a03(x, w):
    cells = [Cell(x * (i + 1), float(i)) for i in range(len(x))]
    ys = cells[::2]
    for y, v in zip(ys, x):
        y.b += v * w
    return sum([c.b for c in cells]) + np.sum(cells[2].W)


def a04(x, w):
    cells = [Cell(x[i:] * 1.0) for i in range(len(x))]
    ys = cells[:2] + [cells[-1]]
    total = sum([y.grow(w) for y in ys])
    return total + np.sum(cells[-1].W) * np.sum(cells[0].W)


def a05(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x))]
    ys = cells.copy()
    ys.append(cells[0])
    for y in ys:
        y.scale_out(w)
    return np.sum(cells[0].W * x) + np.sum(cells[1].W)


def a06(x, w):
    cells = [Cell(x * float(i)) for i in range(len(x))]
    ys = [cells[1], cells[1]]
    for y in ys:
        y.put_first(w)
    return np.sum(cells[1].W * cells[1].W)


def a07(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x))]
    by_id = {i: c for i, c in enumerate(cells)}
    by_id[0].step(w)
    return np.sum(cells[0].W * x)


def a08(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x))]
    other = [cells[0], cells[2]]
    for c in other:
        c.step(w)
    for c in cells:
        c.step(w)
    return np.sum(cells[0].W) + np.sum(cells[1].W * cells[2].W)


def a09(x, w):
    cells = [Cell(x * (i + 1.0), float(x[i])) for i in range(len(x))]
    ys = sorted(cells, key=lambda c: c.b)
    ys[0].step(w)
    return np.sum(cells[1].W * x)


def a10(x, w):
    cells = [Cell(x * (i + 1.0)) for i in range(len(x))]
    ys = cells[1:]
    for y in ys:
        y.W += w * y.W
    return sum(np.sum(c.W * c.W) for c in cells)


def a11(x, w):
    cells = [Cell(x * (i + 1.0)) for i in range(len(x))]
    ys = cells[1:]
    for y in ys:
        np.add(y.W, w, out=y.W)
    return np.sum(cells[1].W * cells[2].W)


def a12(x, w):
    cells = [Cell(x * (i + 1.0)) for i in range(len(x))]
    for c in cells:
        np.put(c.W, [1, 1], w * c.W[0])
    return np.sum(cells[3].W * x)


def a13(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x))]
    ys = cells[1:]
    for y in ys:
        y.step(w)
    z = cells[1]
    z.step(w)
    return np.sum(cells[1].W) + len(ys)


def a14(x, w):
    pairs = [Pair(x * float(i), x[i] * w) for i in range(len(x))]
    ys = pairs[1:]
    total = 0.0
    for y in ys:
        y.W[0] += y.v
        total = total + np.sum(y.W)
    return total + np.sum(pairs[1].W)


def a15(x, w):
    plains = [Plain(x * (i + 1.0)) for i in range(len(x))]
    ys = plains[:3]
    for y in ys:
        y.step(w)
    return sum(np.sum(p.W) for p in plains)


def a16(x, w):
    plains = [Plain(x * (i + 1.0)) for i in range(len(x))]
    ys = plains[1:]
    for y in ys:
        y.scale_out(w)
    return np.sum(plains[1].W * plains[3].W)


def a17(x, w):
    cells = [Cell(x * (i + 1.0)) for i in range(len(x))]
    ys = cells[1:]
    made = [y.grow(w) for y in ys if y.b == 0.0]
    return sum(made) + np.sum(cells[1].W * cells[1].W)


def a18(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x))]
    for i, c in enumerate(cells):
        c.W[i] *= w
    return np.sum(np.stack([c.W for c in cells]) ** 2)


def a19(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x))]
    ys = cells[1:]
    for y, v in zip(ys, x[1:]):
        y.W[0] = v * w
    return sum(np.sum(c.W * x) for c in cells)


def a20(x, w):
    cells = [Cell(x * 1.0, x[i]) for i in range(len(x))]
    ys = cells[1:]
    for y in ys:
        y.bump(w * y.b)
    return sum(c.b * c.b for c in cells)


# ---- B: methods that change self through partials, bound methods, lists of them
class Holder:
    def __init__(self, cb):
        self.cb = cb


def b01(x, w):
    c = Cell(x * 1.0)
    f = functools.partial(c.step)
    f(w)
    return np.sum(c.W * x)


def b02(x, w):
    c = Cell(x * 1.0)
    f = functools.partial(Cell.step, c)
    f(w)
    f(w)
    return np.sum(c.W * x)


def b03(x, w):
    c = Cell(x * 1.0)
    h = Holder(c.step)
    h.cb(w)
    return np.sum(c.W * x)


def b04(x, w):
    cells = [Cell(x * (i + 1.0)) for i in range(2)]
    steps = [c.step for c in cells]
    for s in steps:
        s(w)
    return np.sum(cells[0].W * cells[1].W)


def b05(x, w):
    cells = [Cell(x * (i + 1.0)) for i in range(2)]
    [c.step(w) for c in cells]
    return np.sum(cells[0].W * cells[1].W)


def b06(x, w):
    if w > 0:
        c = Cell(x * 1.0)
    else:
        c = Still(x * 1.0)
    r = c.step(w)
    return np.sum(c.W * x) + (0.0 if r is None else np.sum(r))


def b07(x, w):
    kind = Cell if np.sum(x) > 0 else Plain
    c = kind(x * 1.0)
    c.step(w)
    c.step(w)
    return np.sum(c.W * c.W)


def b08(x, w):
    c = Cell(x * 1.0)
    h = Holder(functools.partial(c.scale_out, w))
    h.cb()
    return np.sum(c.W * x)


def b09(x, w):
    c = Cell(x * 1.0)
    f = functools.partial(c.put_first)
    for _ in range(2):
        f(w)
    return np.sum(c.W * x)


def b10(x, w):
    c = Cell(x * 1.0)
    d = {"go": c.step}
    d["go"](w)
    return np.sum(c.W * x)


def b11(x, w):
    objs = [Cell(x * 1.0), Still(x * 2.0)]
    total = 0.0
    for o in objs:
        o.step(w)
        total = total + np.sum(o.W)
    return total


def b12(x, w):
    c = Cell(x * 1.0)
    g = c.grow
    t = g(w) + g(w)
    return t * np.sum(c.W)


def b13(x, w):
    c = Cell(x * 1.0)
    h = Holder(c.grow)
    t = h.cb(w)
    return t + np.sum(c.W * c.W)


def b14(x, w):
    c = Cell(x * 1.0)
    fs = [functools.partial(c.step, w), functools.partial(c.bump, w)]
    for f in fs:
        f()
    return np.sum(c.W) * c.b


def b15(x, w):
    c = Cell(x * 1.0) if x[0] > 0 else Cell(x * 2.0)
    op = c.step if w > 0.5 else c.bump
    op(w)
    return np.sum(c.W * x) + c.b


# ---- C: the loop rule: temporaries changed in place by helpers, methods, closures
def scale_in_place(r, w):
    r *= w


def put_in(r, i, v):
    r[i] = v


def c01(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        scale_in_place(r, w)
        total = total + np.sum(r * r)
    return total


def c02(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        put_in(r, i, r[i] * w)
        total = total + np.sum(r * x)
    return total


def c03(x, w):
    total = 0.0
    for i in range(3):
        c = Cell(x * 1.0)
        c.scale_out(w)
        total = total + np.sum(c.W * x)
    return total


def c04(x, w):
    total = 0.0
    r = x * 0.0

    def touch(i):
        r[i] = r[i] * w + x[i]

    for i in range(3):
        r = x * 1.0
        touch(i)
        total = total + np.sum(r * r)
    return total


def c05(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        for j in range(i + 1):
            r[j] = r[j] * w
        total = total + np.sum(r * x)
    return total


def c06(x, w):
    total = 0.0
    for i in range(4):
        r = x * 1.0
        r[i] *= w
        if np.sum(r) > 2.5:
            break
        total = total + np.sum(r * r)
    return total + np.sum(r)


def c07(x, w):
    total = 0.0
    for i in range(4):
        r = x * 1.0
        r[i] *= w
        if i == 1:
            continue
        total = total + np.sum(r * r)
    return total


def c08(x, w):
    for i in range(4):
        r = x * 1.0
        r[i] *= w
        if r[i] > 1.0:
            return np.sum(r * x)
    return np.sum(r)


def c09(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        c = Cell(r)
        c.scale_out(w)
        total = total + np.sum(r * x)
    return total


def c10(x, w):
    r = x * 1.0
    for i in range(3):
        t = r * 1.0
        scale_in_place(t, w)
        r = t + x
    return np.sum(r * r)


def c11(x, w):
    out = []
    for i in range(3):
        r = x * 1.0
        np.negative.at(r, [i])
        r *= w
        out.append(r)
    return sum(np.sum(o * x) for o in out)


def c12(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        s = r[1:]
        s *= w
        total = total + np.sum(r * x)
    return total


def c13(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.sort()
        r[0] *= w
        total = total + np.sum(r * x)
    return total


def c14(x, w):
    total = 0.0
    for i in range(2):
        for j in range(2):
            r = x * 1.0
            scale_in_place(r, w)
            r[j] = r[i] * w
            total = total + np.sum(r * r)
    return total


def c15(x, w):
    total = 0.0
    k = 0
    while k < 3:
        r = x * 1.0
        np.put(r, [k], w)
        total = total + np.sum(r * x)
        k += 1
    return total


# ---- D: odd dtypes and shapes
def d01(x, w):
    cells = [Cell(x[:0] * 1.0) for _ in range(len(x))]
    ys = cells[1:]
    for y in ys:
        y.step(w)
    return np.sum(x) * w + sum(np.sum(c.W) for c in cells)


def d02(x, w):
    cells = [Cell(x * 1.0) for _ in range(1)]
    ys = cells[:]
    for y in ys:
        y.scale_out(w)
    return np.sum(cells[0].W * x)


def d03(x, w):
    cells = [Cell(x * 1.0) for _ in range(len(x) - 4)]
    ys = cells[1:]
    for y in ys:
        y.step(w)
    return np.sum(x * w) + len(ys)


def d04(x, w):
    cells = [Cell(np.array(x[i] * 1.0)) for i in range(len(x))]
    ys = cells[1:]
    for y in ys:
        y.scale_out(w)
    return sum(c.W * c.W for c in cells)


def d05(x, w):
    cells = [Cell(np.arange(3) * i) for i in range(len(x))]
    for c in cells:
        c.W[0] += 1
    return np.sum(x * w) * sum(int(np.sum(c.W)) for c in cells)


def d06(x, w):
    mask = x > 0
    cells = [Cell(np.where(mask, x, 0.0) * (i + 1.0)) for i in range(2)]
    for c in cells:
        np.putmask(c.W, mask, c.W * w)
    return np.sum(cells[0].W * cells[1].W)


def d07(x, w):
    r = np.array(x[0] * 1.0)
    total = 0.0
    for i in range(3):
        r = np.array(x[i] * 1.0)
        np.multiply(r, w, out=r)
        total = total + r * r
    return total


def d08(x, w):
    cells = [Cell(x * 1.0) for _ in range(2)]
    for c in cells:
        c.W[x > 0] *= w
    return np.sum(cells[0].W * cells[1].W)




# ---- E: the column forms (a class whose methods assign self.attr), moved and written
class Layer:
    def __init__(self, W):
        self.W = W

    def step(self, w):
        self.W = self.W * w

    def see(self, v):
        self.W = self.W + v
        return np.sum(self.W)

    def shift(self, v):
        self.W = self.W + v


class Twin(Layer):
    def step(self, w):
        self.W = self.W + w


def e01(x, w):
    layers = [Layer(x * (i + 1.0)) for i in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    return sum(np.sum(c.W) for c in layers)


def e02(x, w):
    layers = [Layer(x * (i + 1.0)) for i in range(len(x))]
    ys = list(reversed(layers))
    for i, y in enumerate(ys):
        y.step(w * (i + 1))
    return np.sum(layers[0].W * layers[-1].W)


def e03(x, w):
    layers = [Layer(x * (i + 1.0)) for i in range(len(x))]
    ys = layers[::2]
    for y, v in zip(ys, x):
        y.step(v * w)
    return sum([np.sum(c.W) for c in layers])


def e04(x, w):
    layers = [Layer(x[i:] * 1.0) for i in range(len(x))]
    ys = layers[:2] + [layers[-1]]
    total = sum([y.see(w) for y in ys])
    return total + np.sum(layers[-1].W) * np.sum(layers[0].W)


def e05(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers.copy()
    ys.append(layers[0])
    for y in ys:
        y.step(w)
    return np.sum(layers[0].W * x) + np.sum(layers[1].W)


def e06(x, w):
    layers = [Layer(x * float(i)) for i in range(len(x))]
    ys = [layers[1], layers[1]]
    for y in ys:
        y.step(w)
    return np.sum(layers[1].W * layers[1].W)


def e07(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    ys[0].step(w)
    return np.sum(layers[1].W * x) + len(ys)


def e08(x, w):
    layers = [Layer(x * (i + 1.0)) for i in range(len(x))]
    ys = layers[1:]
    s = sum(y.see(x) for y in ys)
    for y in ys:
        y.step(w)
    t = sum(y.see(x) for y in ys)
    return s * t + np.sum(layers[2].W)


def e09(x, w):
    layers = [Layer(x * (i + 1.0)) for i in range(int(np.sum(x > 0)))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    return np.sum(x * w) + sum(np.sum(c.W) for c in layers)


def e10(x, w):
    layers = [Layer(x * 1.0) for _ in range(1)]
    ys = layers[:]
    for y in ys:
        y.step(w)
    return np.sum(layers[0].W * x)


def e11(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x) - 4)]
    ys = layers[:]
    for y in ys:
        y.step(w)
    return np.sum(x * w) + len(ys)


def e12(x, w):
    layers = [Layer(np.array(x[i] * 1.0)) for i in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    return sum(c.W * c.W for c in layers)


def e13(x, w):
    layers = [Layer(x.astype(np.float32) * (i + 1)) for i in range(2)]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    return float(np.sum(layers[1].W)) * 1.0 + np.sum(x * w)


def e14(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    for k, y in enumerate(ys):
        if k == 1:
            break
        y.step(w)
    return sum(np.sum(c.W * x) for c in layers)


def e15(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    for k, y in enumerate(ys):
        if k == 1:
            continue
        y.step(w)
    return sum(np.sum(c.W * x) for c in layers)


def e16(x, w):
    layers = [Layer(x * 1.0) for _ in range(3)]
    ys = layers[1:]
    for y in ys:
        if np.sum(y.W) * w > 1.0:
            y.step(w)
        else:
            y.step(-w)
    return sum(np.sum(c.W * x) for c in layers)


def e17(x, w):
    layers = [Layer(x * 1.0) if i % 2 else Twin(x * 1.0) for i in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    return sum(np.sum(c.W * c.W) for c in layers)


def e18(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    for _ in range(2):
        ys = layers[1:]
        for y in ys:
            y.step(w)
    return sum(np.sum(c.W * x) for c in layers)


def e19(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    layers.append(Layer(x * w))
    return sum(np.sum(c.W * x) for c in layers) + len(ys)


def e20(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[-2:]
    for y in ys:
        y.shift(w)
    return np.sum(layers[-1].W * layers[0].W) + np.sum(ys[1].W)


def e21(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    vals = [y.see(w) for y in ys if len(ys) > 1]
    vals2 = [y.see(w) for y in ys]
    return sum(vals) * sum(vals2)


def e22(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:3]
    zs = ys[:1]
    for z in zs:
        z.step(w)
    return np.sum(layers[1].W * x)


def e23(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    steps = 0
    while steps < 2:
        for y in ys:
            y.step(w)
        steps += 1
    return sum(np.sum(c.W * x) for c in layers)


def e24(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
        if np.sum(y.W) > 100.0:
            return np.sum(y.W)
    return sum(np.sum(c.W * x) for c in layers)


def e25(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = sorted(layers, key=lambda c: float(np.sum(c.W)))
    for y in ys:
        y.step(w)
    return sum(np.sum(c.W * x) for c in layers)


def e26(x, w):
    layers = [Layer(x * 1.0) for _ in range(len(x))]
    ys = layers[1:]
    for y in ys:
        y.step(w)
    out = max(y.see(x) for y in ys)
    return out + min([y.see(w) for y in ys])


# ---- F: the loop rule, temporaries changed through helpers / objects / closures, read later
def f01(x, w):
    kept = []
    for i in range(3):
        r = x * 1.0
        scale_in_place(r, w)
        kept.append(r)
    return np.sum(kept[0] * kept[2])


def f02(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        v = r[:2]
        scale_in_place(v, w)
        total = total + np.sum(r * x)
    return total


def f03(x, w):
    last = x
    for i in range(3):
        r = x * 1.0
        r[i] = w
        last = r
    return np.sum(last * x)


def f04(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        q = r
        q[i] = q[i] * w
        total = total + np.sum(r * r)
    return total


def f05(x, w):
    total = 0.0
    for i in range(2):
        r = x * 1.0
        for j in range(2):
            s = r * 1.0
            s[j] *= w
            r = s
        total = total + np.sum(r * x)
    return total


def f06(x, w):
    total = 0.0
    for i in range(3):
        r = x.astype(np.float32)
        r[i] *= np.float32(w)
        total = total + float(np.sum(r)) * 0.0 + np.sum(x * w)
    return total


def f07(x, w):
    total = 0.0
    for i in range(3):
        r = np.array(x[i] * 1.0)
        r *= w
        total = total + r * x[i]
    return total


def f08(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        if i == 1:
            r[i] = w
        total = total + np.sum(r * x)
    return total


def f09(x, w):
    total = 0.0
    for i in range(4):
        r = x * 1.0
        r[i] *= w
        if i == 2:
            break
        total = total + np.sum(r * x)
    return total


def f10(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.negative.at(r, [i, 0])
        total = total + np.sum(r * x * w)
    return total


def f11(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        b = r
        np.multiply(b, w, out=b)
        b = r[::2]
        total = total + np.sum(r * x) + np.sum(b)
    return total


def f12(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        t = r[i]
        r[i] = w
        total = total + t * np.sum(r)
    return total


def f13(x, w):
    def bump(a, k):
        a[k] = a[k] * w
    total = 0.0
    for i in range(3):
        r = x * 1.0
        bump(r, i)
        bump(r, i + 1)
        total = total + np.sum(r * r)
    return total


def f14(x, w):
    total = 0.0
    r = x * 1.0
    for i in range(3):
        r = r * 1.0
        r[i] *= w
        total = total + np.sum(r)
    return total + np.sum(r * x)


def f15(x, w):
    total = 0.0
    for i in range(3):
        r = np.zeros(4)
        r[:] = x
        r[i] = r[i] * w
        total = total + np.sum(r * x)
    return total


def f16(x, w):
    total = 0.0
    for i in range(3):
        r = x[None, :] * np.ones((2, 1))
        r[0, i] *= w
        total = total + np.sum(r * r)
    return total


def f17(x, w):
    rows = []
    for i in range(3):
        r = x * 1.0
        r[i] *= w
        rows.append(r)
        r = None
    return np.sum(np.stack(rows) * x)


def f18(x, w):
    total = 0.0
    i = 0
    while True:
        r = x * 1.0
        r[i] *= w
        total = total + np.sum(r * x)
        i += 1
        if i >= 3:
            break
    return total


def f19(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r[i] *= w
        total = total + np.sum(r * x)
        if total > 100.0:
            return total
    return total + np.sum(r)


def f20(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        c = Layer(r)
        c.step(w)
        total = total + np.sum(r * x) + np.sum(c.W)
    return total


# ---- G: objects holding partials and bound methods, receivers chosen at run time
class Scaler:
    def __init__(self, W):
        self.W = W

    def step(self, w):
        self.W = self.W * w


class Adder:
    def __init__(self, W):
        self.W = W

    def step(self, w):
        self.W = self.W + w


class Runner:
    def __init__(self, fn):
        self.fn = fn


def g01(x, w):
    s = Scaler(x * 1.0)
    r = Runner(s.step)
    r.fn(w)
    return np.sum(s.W * x)


def g02(x, w):
    s = Scaler(x * 1.0)
    r = Runner(functools.partial(s.step, w))
    r.fn()
    r.fn()
    return np.sum(s.W * x)


def g03(x, w):
    s = Scaler(x * 1.0) if w > 0.5 else Adder(x * 1.0)
    s.step(w)
    return np.sum(s.W * x)


def g04(x, w):
    objs = [Scaler(x * 1.0), Adder(x * 2.0)]
    for o in objs:
        o.step(w)
    return np.sum(objs[0].W * objs[1].W)


def g05(x, w):
    objs = [Scaler(x * 1.0) if i % 2 else Adder(x * 1.0) for i in range(len(x))]
    for o in objs:
        o.step(w)
    return sum(np.sum(o.W * x) for o in objs)


def g06(x, w):
    s = Scaler(x * 1.0)
    step = s.step
    for _ in range(3):
        step(w)
    return np.sum(s.W * x)


def g07(x, w):
    s = Scaler(x * 1.0)
    a = Adder(x * 2.0)
    steps = [s.step, a.step]
    for st in steps:
        st(w)
    return np.sum(s.W * a.W)


def g08(x, w):
    s = Scaler(x * 1.0)
    p = functools.partial(Scaler.step, s)
    p(w)
    return np.sum(s.W * x)


def g09(x, w):
    if np.sum(x) > 0:
        cls = Scaler
    else:
        cls = Adder
    objs = [cls(x * (i + 1.0)) for i in range(3)]
    ys = objs[1:]
    for y in ys:
        y.step(w)
    return sum(np.sum(o.W) for o in objs)


def g10(x, w):
    s = Scaler(x * 1.0)
    r = Runner(s.step)
    t = Runner(r.fn)
    t.fn(w)
    return np.sum(s.W * x)


def g11(x, w):
    s = Scaler(x * 1.0)
    fs = {"a": s.step}
    for k in fs:
        fs[k](w)
    return np.sum(s.W * x)


def g12(x, w):
    objs = [Scaler(x * 1.0) for _ in range(2)]
    [o.step(w) for o in objs]
    return np.sum(objs[0].W * objs[1].W)


def g13(x, w):
    objs = [Scaler(x * 1.0) for _ in range(len(x))]
    total = sum([np.sum(o.W) for o in objs if o.step(w) is None])
    return total + np.sum(objs[0].W * x)


def g14(x, w):
    objs = [Scaler(x * 1.0) for _ in range(3)]
    alias = objs[0]
    for o in objs:
        o.step(w)
    return np.sum(alias.W * x)


def g15(x, w):
    objs = [Scaler(x * 1.0) for _ in range(3)]
    other = objs
    for o in objs:
        o.step(w)
    return np.sum(other[0].W * x)


# ---- H: out= into an attribute's element, ufunc.at on attributes, aliases rebound in loops
class Box:
    def __init__(self, a):
        self.a = a


def h01(x, w):
    b = Box(x * 1.0)
    np.multiply(b.a[1:], w, out=b.a[1:])
    return np.sum(b.a * x)


def h02(x, w):
    b = Box(x * 1.0)
    np.negative.at(b.a, [0, 2])
    return np.sum(b.a * x * w)


def h03(x, w):
    b = Box([x * 1.0, x * 2.0])
    np.multiply(b.a[0], w, out=b.a[0])
    return np.sum(b.a[0] * b.a[1])


def h04(x, w):
    a = x * 1.0
    b = a
    for i in range(3):
        a[i] = a[i] * w
        b = a[i:]
        b *= w
    return np.sum(a * x)


def h05(x, w):
    a = x * 1.0
    for i in range(3):
        b = a
        np.put(b, [i], b[i] * w)
        a = b * 1.0
    return np.sum(a * x)


def h06(x, w):
    a = x * 1.0
    b = a
    for i in range(3):
        np.negative.at(a, [i])
        b = a
        a = a * w
    return np.sum(a * b)


def h07(x, w):
    a = x * 1.0
    for i in range(2):
        v = a[1:]
        np.multiply(v, w, out=v)
        v = a[:2]
        v += w
    return np.sum(a * x)


def h08(x, w):
    b = Box(x * 1.0)
    for i in range(3):
        np.multiply(b.a[i:i + 1], w, out=b.a[i:i + 1])
    return np.sum(b.a * x)



# ---- M: more loop temporaries changed in place by other routes
def m02(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        box = [r]
        box[0][i] = w
        total = total + np.sum(r * x)
    return total


def m03(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.copyto(r, r * w, where=x > 0)
        total = total + np.sum(r * x)
    return total


def m04(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        d = {"r": r}
        d["r"][i] = w
        total = total + np.sum(r * x)
    return total


def m05(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        t = r.reshape(2, 2)
        t[0, 1] *= w
        total = total + np.sum(r * x)
    return total


def m06(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        for row in r.reshape(2, 2):
            row *= w
        total = total + np.sum(r * x)
    return total


def m07(x, w):
    acc = x * 0.0
    for i in range(3):
        r = x * 1.0
        r[i] *= w
        acc += r
    return np.sum(acc * x)


def m08(x, w):
    total = 0.0
    for i in range(2):
        r = x * 1.0
        for j in range(2):
            r[j + i] *= w
            if j == 0:
                continue
            total = total + np.sum(r * x)
    return total


def m09(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        q = r.T
        q[i] = q[i] * w
        total = total + np.sum(r * x)
    return total


def m10(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.multiply(r, w, out=r, where=np.arange(4) == i)
        total = total + np.sum(r * x)
    return total


def m11(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.sort()
        r[-1] *= w
        total = total + np.sum(r * x)
        if total > 50.0:
            break
    return total


def m12(x, w):
    total = 0.0
    for i in range(3):
        r = np.array(x * 1.0, dtype=np.float64)
        r[i] = r[i] * w
        s = r
        total = total + np.sum(s * x)
    return total


def m13(x, w):
    out = np.zeros(4)
    for i in range(3):
        r = x * 1.0
        r[i] *= w
        np.add(out, r, out=out)
    return np.sum(out * x)


def m14(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.put(r, [i, i + 1], [w, w * w])
        total = total + np.sum(r * x)
    return total


def m15(x, w):
    layers = [Layer(x * (i + 1.0)) for i in range(len(x))]
    total = 0.0
    for i in range(2):
        r = x * 1.0
        for y in layers[1:]:
            y.step(w)
        r[i] = w
        total = total + np.sum(r * layers[1].W)
    return total

# ---- K: the bugs found, each in its smallest form
class Square:
    def __init__(self, W):
        self.W = W

    def square(self):
        self.W = self.W * self.W


def scale_held(o, w):
    np.multiply(o.W, w, out=o.W)


def k01(x, w):
    c = Square(x * 1.0)
    d = {"a": c}
    d["a"].square()
    return np.sum(c.W * x)


def k02(x, w):
    c = Plain(x * 1.0)
    scale_held(c, w)
    return np.sum(c.W * x)


def k03(x, w):
    plains = [Plain(x * 1.0), Plain(x * 2.0)]
    for p in plains:
        p.scale_out(w)
    return np.sum(plains[0].W * x)



def k04(x, w):
    c = Square(x * 1.0)
    s = {c}
    for o in s:
        o.square()
    return np.sum(c.W * x)


def k05(x, w):
    c = Plain(x * 1.0)
    held = []
    held = held + [c]
    held[0].step(w)
    return np.sum(c.W * x)


def k06(x, w):
    c = Square(x * 1.0)
    d = {"a": c}
    _, v = next(iter(d.items()))
    v.square()
    return np.sum(c.W * x)


CASES = [(name, f, (X4, W), (0, 1)) for name, f in sorted(globals().items())
         if len(name) == 3 and name[0] in "abcdefghkm" and name[1:].isdigit() and callable(f)]
