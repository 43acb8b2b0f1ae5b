"""The sixty-first hunt's programs: where recent capabilities meet each other and
ordinary code. Objects moved into a second list then written through ``out=`` or
``numpy.put``; views taken before ``ufunc.at`` on their base and read after; ``numpy.put``
into an array a list also holds; an ``out=`` target that is also an input; the same
through helpers, methods and closures, in loops and branches; float32 and int targets,
bool masks, 0-d arrays, empty index lists; loops whose body binds an array and then
changes it in place (by every route), or reads an alias or a view of an array it writes
into. Each is (name, f, args, wrt); tests/test_hunt61.py checks them against central
finite differences (``CASES``: scalar outputs, ``VECTOR_CASES``: a vector of four)."""

import functools
import re

import numpy as np

X4 = np.array([0.7, -1.3, 0.4, 2.1])
W = 0.8


class Layer:
    def __init__(self, W):
        self.W = W

    def step(self, w):
        np.multiply(self.W, w, out=self.W)


# ---- out= targets that are also inputs, on local aliases of arguments
def a01(x, w):
    a = x * 1.0
    np.add(a, w, out=a)
    return np.sum(a * a)


def a02(x, w):
    a = x * 1.0
    b = a
    np.multiply(b, w, out=a)
    return np.sum(a * b * x)


def a03(x, w):
    a = x * 1.0
    v = a[1:]
    np.add(v, a[:-1] * w, out=v)
    return np.sum(a * a)


def a04(x, w):
    a = x * 1.0
    np.sin(a[::2] * w, out=a[1::2])
    return np.sum(a * x)


def a05(x, w):
    a = x * 1.0
    for _ in range(3):
        np.multiply(a, w, out=a)
        np.add(a, x, out=a)
    return np.sum(a * a)


def a06(x, w):
    a = x * 1.0
    for k in range(3):
        np.multiply(a[k:], w, out=a[k:])
    return np.sum(a * x)


def a07(x, w):
    a = x * 1.0
    if np.sum(x) > 0:
        np.add(a, w, out=a)
    else:
        np.multiply(a, w, out=a)
    return np.sum(a ** 2)


def a08(x, w):
    a = x * 1.0
    r = np.multiply(a, w, out=a)
    r[0] = w * w
    return np.sum(a * x) + np.sum(r)


def a09(x, w):
    a = x * 1.0
    np.add(a[:2], a[2:], out=a[2:])
    np.multiply(a[2:], w, out=a[:2])
    return np.sum(a * a)


def a10(x, w):
    a = x * 1.0
    m = a.reshape(2, 2)
    np.multiply(m, w, out=m)
    np.add(m[0], m[1], out=m[1])
    return np.sum(a * x)


# ---- ufunc.at on a base, views taken before and read after
def b01(x, w):
    a = x * 1.0
    v = a[1:3]
    np.multiply.at(a, [1, 1, 2], w)
    return np.sum(v * x[:2])


def b02(x, w):
    a = x * 1.0
    v = a[::-1]
    np.add.at(a, [0, 0, 3], w * x[:3])
    return np.sum(v * np.arange(4.0))


def b03(x, w):
    a = x * 1.0
    v = a.reshape(2, 2)
    np.maximum.at(a, [0, 1, 1], w)
    return np.sum(v[1] * v[0])



def b05(x, w):
    a = x * 1.0
    v = a[1:]
    np.multiply.at(v, [0, 0], a[:2])
    return np.sum(a * a)


def b06(x, w):
    a = x * 1.0
    np.multiply.at(a, [], w)
    return np.sum(a * a)


def b07(x, w):
    a = x * 1.0
    np.divide.at(a, np.array([2, 0, 2]), np.array([w, 2.0, x[1]]))
    return np.sum(a * x)


def b08(x, w):
    a = x * 1.0
    v = a[2:]
    np.subtract.at(a, [2, 3, 2], w * x[:3])
    return np.sum(v ** 2)


# ---- np.put / place / putmask with aliasing
def c01(x, w):
    a = x * 1.0
    xs = [a, x * 2.0]
    np.put(a, [0, 2], [w, w * w])
    return np.sum(xs[0] * xs[1])


def c02(x, w):
    a = x * 1.0
    v = a[1:]
    np.put(a, [1, 3], w * x[:2])
    return np.sum(v * x[1:])


def c03(x, w):
    a = x * 1.0
    np.put(a, [0, 1], a[2:] * w)
    return np.sum(a * a)


def c04(x, w):
    a = x * 1.0
    np.putmask(a, a > 0, a * w)
    return np.sum(a * x)


def c05(x, w):
    a = x * 1.0
    np.place(a, x < 0, [w, w * 2.0])
    return np.sum(a * a)


def c06(x, w):
    a = x * 1.0
    for k in range(3):
        np.put(a, [k], a[k + 1] * w)
    return np.sum(a * x)


def c07(x, w):
    a = np.zeros(4, dtype=int)
    np.put(a, [0, 1], x[:2] * w)
    return np.sum(a * x) + w


def c08(x, w):
    a = x.astype(np.float32)
    np.put(a, [1, 2], x[:2] * w)
    return np.sum(a.astype(float) * x)


def c09(x, w):
    a = x * 1.0
    np.put(a, [], [w])
    return np.sum(a * a)


def c10(x, w):
    a = x * 1.0
    np.putmask(a, np.array([True, False, True, False]), [w])
    return np.sum(a * x)


def c11(x, w):
    a = x * 1.0
    np.put(a, [0, 0, 1], [w, w * 3.0, x[3]])
    return np.sum(a ** 2)


def c12(x, w):
    a = x * 1.0
    b = a[::2]
    np.put(b, [1], w)
    return np.sum(a * x)


def c13(x, w):
    a = x * 1.0
    a.put([3, -1], [w, x[0]])
    return np.sum(a * a)


def c14(x, w):
    a = x * 1.0
    np.put(a, [5, -7], [w, x[0] * w], mode="wrap")
    return np.sum(a * x)


def c15(x, w):
    a = x * 1.0
    np.putmask(a, x > 0, a[::-1] * w)
    return np.sum(a * a)


def c16(x, w):
    a = x * 1.0
    np.place(a, a > 0, a[:1] * w)
    return np.sum(a * x)


# ---- out= with dtypes and 0-d arrays
def d01(x, w):
    a = np.zeros(4, dtype=np.float32)
    np.multiply(x, w, out=a)
    return np.sum(a.astype(float) * x)


def d02(x, w):
    a = np.zeros(4, dtype=int)
    np.multiply(x, w, out=a, casting="unsafe")
    return np.sum(a * x) + w * w


def d03(x, w):
    a = np.array(w * 1.0)
    np.multiply(a, x[0], out=a)
    return float(a) * w


def d04(x, w):
    a = np.array(w * 1.0)
    np.put(a, [0], x[1] * w)
    return float(a) * x[0]


def d05(x, w):
    a = np.array(x[0] * 1.0)
    np.add(a, w, out=a)
    np.multiply(a, a, out=a)
    return a * 1.0


def d06(x, w):
    m = x.reshape(2, 2) * 1.0
    np.matmul(m, m * w, out=m)
    return np.sum(m)


def d07(x, w):
    a = x * 1.0
    np.cumsum(a * w, out=a)
    return np.sum(a * x)


# ---- the same through helpers, methods and closures
def scale_into(a, w):
    np.multiply(a, w, out=a)


def put_first(a, v):
    np.put(a, [0], v)


def mul_at(a, w):
    np.multiply.at(a, [0, 0, 1], w)


def e01(x, w):
    a = x * 1.0
    scale_into(a, w)
    return np.sum(a * x)


def e02(x, w):
    a = x * 1.0
    v = a[1:]
    scale_into(v, w)
    return np.sum(a * a)


def e03(x, w):
    a = x * 1.0
    put_first(a, w * x[3])
    return np.sum(a * a)


def e04(x, w):
    a = x * 1.0
    v = a[:2]
    mul_at(a, w)
    return np.sum(v * x[2:]) + np.sum(a)


def e05(x, w):
    a = x * 1.0

    def scale():
        np.multiply(a, w, out=a)
    scale()
    return np.sum(a * a)


def e06(x, w):
    a = x * 1.0

    def put(v):
        np.put(a, [1, 2], v)
    put(w * x[:2])
    return np.sum(a * x)


def e07(x, w):
    layers = [Layer(x * 1.0), Layer(x * 2.0)]
    for layer in layers:
        layer.step(w)
    return np.sum(layers[0].W * layers[1].W)


def e08(x, w):
    layers = [Layer(x * 1.0), Layer(x[::-1] * 1.0)]
    moved = [layers[1], layers[0]]
    for layer in moved:
        layer.step(w)
    return np.sum(layers[0].W * x) + np.sum(moved[0].W)


def e09(x, w):
    layers = [Layer(x * 1.0), Layer(x * 2.0)]
    extra = [layers[0]]
    np.put(extra[0].W, [0], w)
    return np.sum(layers[0].W * x)


def e10(x, w):
    layers = [Layer(x * 1.0), Layer(x * 2.0)]
    moved = list(reversed(layers))
    np.multiply(moved[0].W, w, out=moved[0].W)
    return np.sum(layers[1].W * layers[0].W)


def e11(x, w):
    a = x * 1.0
    xs = [a]
    ys = [xs[0]]
    np.multiply(ys[0], w, out=ys[0])
    return np.sum(a * x)


def e12(x, w):
    a = x * 1.0
    xs = [a, a[1:]]
    np.add.at(xs[0], [1, 1], w)
    return np.sum(xs[1] * x[:3])


def e13(x, w):
    rows = [x * 1.0, x * 2.0]
    for r in rows:
        np.multiply(r, w, out=r)
    return np.sum(rows[0] * rows[1])


def e14(x, w):
    rows = [x * 1.0, x * 2.0]
    for r in rows:
        np.put(r, [1], r[0] * w)
    return np.sum(rows[0] * rows[1])


def e15(x, w):
    rows = [x * 1.0, x * 2.0]
    for r in rows:
        np.multiply.at(r, [0, 0], w)
    return np.sum(rows[0] + rows[1] * x)


# ---- loops: first pass against later passes; read after the loop
def f01(x, w):
    acc = []
    a = x * 1.0
    for k in range(3):
        np.multiply(a, w, out=a)
        acc.append(a)
    return np.sum(acc[0] * acc[2])


def f02(x, w):
    acc = []
    for k in range(3):
        a = x * 1.0
        np.put(a, [k], w * k)
        acc.append(a)
    return np.sum(acc[0] * acc[1] * acc[2])


def f03(x, w):
    a = x * 1.0
    outs = []
    for k in range(3):
        v = a[k:k + 2]
        np.multiply.at(a, [k], w)
        outs.append(v * 1.0)
    return sum(np.sum(o * o) for o in outs)


def f04(x, w):
    a = x * 1.0
    for k in range(4):
        if a[k] > 0:
            np.put(a, [k], a[k] * w)
        else:
            np.multiply(a, w, out=a)
    return np.sum(a * x)


def f05(x, w):
    a = x * 1.0
    b = a
    for k in range(2):
        b = b * 1.0 if k == 1 else b
        np.add(b, w, out=b)
    return np.sum(a * b)


def f06(x, w):
    xs = [x * 1.0]
    for k in range(2):
        np.multiply(xs[-1], w, out=xs[-1])
        xs.append(xs[-1])
    return np.sum(xs[0] * x)


def f07(x, w):
    a = x * 1.0
    v = a[1:]
    for k in range(3):
        np.putmask(a, a > 0.5, a * w)
    return np.sum(v * x[:3])


def f08(x, w):
    a = x * 1.0
    i = 0
    while i < 3:
        np.multiply.at(a, [i, i + 1], w)
        i += 1
    return np.sum(a * a)


# ---- mutable defaults and escaping methods meeting out=/put
def g_helper(v, buf=np.zeros(4)):      # noqa: B008 - a default the helper writes into: the point
    np.multiply(v, 2.0, out=buf)
    return np.sum(buf * v)


def g01(x, w):
    return g_helper(x * w)


def g_put(v, buf=np.zeros(4)):          # noqa: B008
    np.put(buf, [0], v[1])
    return np.sum(buf) * v[0]


def g02(x, w):
    return g_put(x * w)


def g03(x, w):
    a = x * 1.0
    f = a.put
    f([0], w)
    return np.sum(a * a)


def g04(x, w):
    a = x * 1.0
    ops = [np.multiply]
    ops[0](a, w, out=a)
    return np.sum(a * x)


def g05(x, w):
    a = x * 1.0
    at = np.multiply.at
    at(a, [1, 1], w)
    return np.sum(a * x)


def g06(x, w):
    a = x * 1.0
    kw = {"out": a}
    np.multiply(a, w, **kw)
    return np.sum(a * x)


def g07(x, w):
    a = x * 1.0
    np.multiply(a, w, out=(a,))
    return np.sum(a * x)


def g08(x, w):
    a = x * 1.0
    d = {"a": a}
    np.put(d["a"], [1], w)
    return np.sum(a * x)


# ---- outputs, 0-d and empty indices, loops rebuilding arrays, writes by every route
def h01(x, w):
    np.add(x, w, out=x)
    return np.sum(x * x)


def h02(x, w):
    np.multiply(x[1:], w, out=x[1:])
    return np.sum(x * x)


def h03(x, w):
    np.multiply.at(x, [0, 0, 2], w)
    return np.sum(x * x)


def h04(x, w):
    np.put(x, [1, 1], [w, w * w])
    return np.sum(x ** 3)


def h05(x, w):
    a = x * 1.0
    np.add.at(a, [1, 2], a[0:2] * w)
    return np.sum(a * a)


def h06(x, w):
    a = x * 1.0
    np.multiply.at(a, [1, 2], a[0:2])
    return np.sum(a * w)


def h07(x, w):
    a = x * 1.0
    np.putmask(a, np.array([True, False, True, True]), [w, 2.0 * w])
    return np.sum(a * x)


def h08(x, w):
    a = x * 1.0
    np.put(a, [7, -9], [w, x[2]], mode="clip")
    return np.sum(a * a)


def h09(x, w):
    m = np.outer(x[:2], x[1:]) * 1.0
    np.multiply.at(m, (0, [0, 0, 2]), w)
    return np.sum(m * m)


def h10(x, w):
    m = np.outer(x[:2], x[1:]) * 1.0
    np.multiply.at(m, (slice(None), 1), w)
    return np.sum(m * m)


def h11(x, w):
    a = x * 1.0
    np.power.at(a, [0, 0], 2.0)
    return np.sum(a * w)


def h12(x, w):
    a = x * 1.0
    np.negative(a, out=a[::-1])
    return np.sum(a * x * w)


def h13(x, w):
    a = x * 1.0
    np.add(a[:-1], a[1:], out=a[1:])
    return np.sum(a * a * w)


def h14(x, w):
    a = x * 1.0
    np.multiply(a, w, out=a, where=x > 0)
    return np.sum(a * a)


def h15(x, w):
    a = x * 1.0
    np.multiply(a[1:], w, out=a[1:], where=x[1:] > 0)
    return np.sum(a * x)


def h16(x, w):
    a = x * 1.0
    np.put(a, np.argsort(x)[:2], w * x[:2])
    return np.sum(a * a)


def h17(x, w):
    a = x * 1.0
    np.put(a, [[0, 1], [2, 3]], [[w, w * 2], [x[0], w * x[1]]])
    return np.sum(a * x)


def h18(x, w):
    a = x.reshape(2, 2) * 1.0
    np.put(a, [3, 0], [w, x[1] * w])
    return np.sum(a * a)


def h19(x, w):
    a = x.reshape(2, 2) * 1.0
    np.putmask(a, a > 0, a.T * w)
    return np.sum(a * a)


def h20(x, w):
    a = x * 1.0
    np.place(a, a > 0, [w])
    return np.sum(a * a)


def h21(x, w):
    total = 0.0
    for i in range(2):
        rows = []
        for k in range(2):
            r = x * (k + 1.0)
            np.put(r, [i], w * r[3])
            rows.append(r)
        total = total + np.sum(rows[0] * rows[1])
    return total


def h22(x, w):
    total = 0.0
    for i in range(2):
        rows = []
        for k in range(2):
            r = x * (k + 1.0)
            np.multiply(r, w, out=r)
            rows.append(r)
        total = total + np.sum(rows[0] * rows[1]) * w
    return total


def h23(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.multiply.at(r, [i, i], w)
        total = total + np.sum(r * r)
    return total


def h24(x, w):
    a = x * 1.0
    for i in range(3):
        if a[i] * w > 0:
            np.multiply.at(a, [i + 1], w)
        else:
            np.put(a, [i], a[i + 1] * w)
    return np.sum(a * a)


def h25(x, w):
    a = x * 1.0
    b = a * 1.0
    np.add(a, b, out=b)
    np.multiply(b, a, out=a)
    return np.sum(a + b * w)


def h26(x, w):
    a = x * 1.0
    s = np.sum(a)
    np.multiply(a, w, out=a)
    return s * np.sum(a)


def h27(x, w):
    a = x * 1.0
    b = a.copy()
    np.put(a, [0], w)
    return np.sum(a * b)


def h28(x, w):
    a = x * 1.0
    t = a.T
    np.multiply.at(a, [0], w)
    return np.sum(t * x)


def h29(x, w):
    a = x * 1.0
    v = a[1:]
    np.multiply(a, w, out=a)
    return np.sum(v * x[1:])


def h30(x, w):
    a = x * 1.0
    v = a[:2]
    np.put(a, [0], w)
    return np.sum(v * v)


def h31(x, w):
    a = x * 1.0
    np.add(a, a, out=a)
    np.multiply(a, a, out=a)
    return np.sum(a) * w


def h32(x, w):
    a = np.zeros(4)
    np.add(x, w, out=a)
    b = a
    np.put(b, [1], x[0] * w)
    return np.sum(a * x)


def h33(x, w):
    a = np.ones(4)
    np.divide(x, w, out=a, where=x > 0)
    return np.sum(a * a)


def h34(x, w):
    a = x * 1.0
    np.minimum.at(a, [0, 1, 0], [w, w * 0.5, -5.0])
    return np.sum(a * x)


def h35(x, w):
    a = np.zeros((2, 2))
    np.add.at(a, ([0, 0, 1], [1, 1, 0]), x[:3] * w)
    return np.sum(a * a)


def h36(x, w):
    a = x * 1.0
    np.put(a, np.array([], dtype=int), [])
    np.multiply.at(a, np.array([], dtype=int), w)
    return np.sum(a * a * w)


def h37(x, w):
    a = x * 1.0
    mask = np.zeros(4, dtype=bool)
    np.putmask(a, mask, w)
    np.place(a, mask, [])
    return np.sum(a * a * w)


def h38(x, w):
    a = np.array(x[0])
    np.multiply.at(a, (), w)
    return a * x[1]


def h39(x, w):
    a = x * 1.0
    np.multiply.at(a, np.array([True, False, True, False]), w)
    return np.sum(a * x)


def h40(x, w):
    a = x * 1.0
    np.copyto(a, a[::-1] * w, where=x > 0)
    return np.sum(a * a)


def h41(x, w):
    a = x.astype(np.float32)
    np.multiply.at(a, [0, 0], w)
    return np.sum(a * x)




def h44(x, w):
    a = x * 1.0
    out = np.empty(4)
    np.multiply(a, w, out=out)
    np.put(out, [2], a[2] ** 2)
    return np.sum(out * a)


def h45(x, w):
    a = x * 1.0
    return np.sum(np.multiply(a, w, out=a) * x) + np.sum(a)



def h47(x, w):
    a = x * 1.0
    r = np.add(a, w, out=a[::-1])
    return np.sum(r * x) + np.sum(a)


def h48(x):
    a = x * 1.0
    np.multiply(a[1:], a[:-1], out=a[1:])
    return a


def h49(x):
    a = x * 1.0
    np.multiply.at(a, [1, 1, 3], a[0])
    return a * x


def h50(x):
    a = x * 1.0
    np.put(a, [0, 3], a[1:3] ** 2)
    return a


# ---- loops whose body binds an array and then changes it in place
class Acc:
    def __init__(self, n):
        self.buf = np.zeros(n)

    def add(self, v):
        np.add(self.buf, v, out=self.buf)
        return self


def k00(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r[i] = r[i] * w
        total = total + np.sum(r * r)
    return total


def k01(x, w):
    total = 0.0
    for i in range(3):
        r = x * w
        r[i] = r[i] ** 2
        s = r * 1.0
        s[0] = s[0] * w
        total = total + np.sum(r * s)
    return total


def k02(x, w):
    out = []
    for i in range(2):
        r = x * 1.0
        np.multiply.at(r, [i, i + 1], w)
        out.append(r)
    return np.sum(out[0] * out[1])


def k03(x, w):
    total = 0.0
    for i in range(3):
        r = x[i] * 1.0
        z = np.array(r)
        np.multiply(z, w, out=z)
        total = total + z * x[i + 1]
    return total


def k04(x, w):
    total = 0.0
    for i in range(2):
        r = x * 1.0
        np.putmask(r, r > 0, r * w)
        total = total + np.sum(r * r) * w
    return total


def k05(x, w):
    total = 0.0
    for i in range(3):
        r = x + i
        np.place(r, r > 1.0, [w])
        total = total + np.sum(r * x)
    return total


def k06(x, w):
    total = 0.0
    for v in x:
        r = x * v
        r[0] = w * v
        total = total + np.sum(r * r)
    return total


def k07(x, w):
    total = 0.0
    i = 0
    while i < 3:
        r = x * 1.0
        r[i] = r[i] * w
        total = total + np.sum(r * r)
        i += 1
    return total


def k08(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        if i == 1:
            break
        r[i] = r[i] * w
        total = total + np.sum(r * r)
    return total


def k09(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        t = r[i]
        r[i] = w
        total = total + np.sum(r * r) * t
    return total


def k10(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        q = r
        q[i] = w * q[i]
        total = total + np.sum(r * r)
    return total


def k11(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        m = r.reshape(2, 2)
        m[0, i % 2] = w
        total = total + np.sum(r * r)
    return total


def k12(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.fill(w * i)
        total = total + np.sum(r * x)
    return total


def k13(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.sort()
        total = total + np.sum(r * x) * w
    return total


def k14(x, w):
    total = 0.0
    for i in range(2):
        acc = Acc(4)
        acc.add(x * w).add(x)
        total = total + np.sum(acc.buf * x)
    return total


def k15(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r += w
        r[i] *= w
        total = total + np.sum(r * r)
    return total


def k16(x, w):
    total = 0.0
    for i in range(3):
        r = -x
        np.copyto(r, w, where=x > 0)
        total = total + np.sum(r * r)
    return total


def k17(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.cumsum(r, out=r)
        total = total + np.sum(r * w)
    return total


def k18(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.fill_diagonal(r.reshape(2, 2), w)
        total = total + np.sum(r * r)
    return total


def k19(x, w):
    total = 0.0
    for i in range(3):
        r = x[::-1] * 1.0
        r[1:3] = w * r[0:2]
        total = total + np.sum(r * x)
    return total


def k20(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        xs = [r]
        xs[0][i] = w
        total = total + np.sum(r * r)
    return total


def k21(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0

        def bump():
            r[i] = r[i] * w
        bump()
        total = total + np.sum(r * r)
    return total


def k22(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.put([i], w)
        total = total + np.sum(r * r)
    return total


def k23(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.__setitem__(i, w)
        total = total + np.sum(r * r)
    return total


def k24(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r.itemset(i, w) if hasattr(r, "itemset") else r.__setitem__(i, w)
        total = total + np.sum(r * r)
    return total


def k25(x, w):
    total = 0.0
    for i in range(3):
        r = x @ x * 1.0
        r = np.array([r, w])
        r[0] = r[0] * w
        total = total + np.sum(r * r)
    return total


def k26(x, w):
    total = 0.0
    for i in range(3):
        d = {"a": x * 1.0}
        d["a"][i] = w
        total = total + np.sum(d["a"] ** 2)
    return total


def k27(x, w):
    total = 0.0
    for i in range(3):
        xs = [x * 1.0, x * 2.0]
        xs[1] = xs[1] * w
        total = total + np.sum(xs[0] * xs[1])
    return total


def k28(x, w):
    total = 0.0
    for i in range(3):
        xs = [x[0] * 1.0, x[1] * 2.0]
        xs.append(w)
        xs[0] = xs[0] * w
        total = total + xs[0] * xs[1] * xs[2]
    return total


def k29(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.negative(r[i:i + 1], out=r[i:i + 1])
        total = total + np.sum(r * r * w)
    return total


def k30(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.multiply(r, w, out=r, where=x > 0)
        total = total + np.sum(r * r)
    return total


# ---- loops reading an array, its alias or its view before and after a write into it
def p01(x, w):
    m = x.reshape(2, 2) * 1.0
    total = 0.0
    for i in range(2):
        s = m * 1.0
        row = m[i]
        row[0] = row[0] * w
        total = total + np.sum(s * m)
    return total


def p02(x, w):
    m = x.reshape(2, 2) * 1.0
    total = 0.0
    for i in range(2):
        s = m * w
        np.multiply(m[i], w, out=m[i])
        total = total + np.sum(s * m)
    return total


def p03(x, w):
    m = x.reshape(2, 2) * 1.0
    total = 0.0
    for i in range(2):
        s = m[1 - i] * 1.0
        np.put(m, [i], w * s[0])
        total = total + np.sum(s * m)
    return total


def p04(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a[i] * a[i + 1]
        np.multiply.at(a, [i + 1], w)
        total = total + s * a[i + 1]
    return total


def p05(x, w):
    a = x * 1.0
    v = a[1:]
    total = 0.0
    for i in range(3):
        s = a * 2.0
        v[i] = v[i] * w
        total = total + np.sum(s * a)
    return total


def p06(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a * 2.0
        np.add(a, w, out=a)
        total = total + np.sum(s * a)
    return total


def p07(x, w):
    m = x.reshape(2, 2) * 1.0
    for row in m:
        np.multiply(row, w, out=row)
    return np.sum(m * m)


def p08(x, w):
    m = x.reshape(2, 2) * 1.0
    total = 0.0
    for row in m:
        s = row * 1.0
        row *= w
        total = total + np.sum(s * row)
    return total + np.sum(m)


def p09(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a[i] * 1.0
        a[i + 1] = s * w
        total = total + s
    return total + np.sum(a * a)


def p10(x, w):
    a = x * 1.0
    b = a
    total = 0.0
    for i in range(3):
        s = b * 1.0
        a[i] = a[i] * w
        total = total + np.sum(s * b)
    return total


def p11(x, w):
    a = x * 1.0
    xs = [a]
    total = 0.0
    for i in range(3):
        s = a * 1.0
        xs[0][i] = w
        total = total + np.sum(s * a)
    return total


def p12(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a * 1.0

        def bump():
            a[i] = a[i] * w
        bump()
        total = total + np.sum(s * a)
    return total


def p13(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a * 1.0
        np.putmask(a, a > 0.5, a * w)
        total = total + np.sum(s * a)
    return total


def p14(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a * 1.0
        a.fill(w * i)
        total = total + np.sum(s * x)
    return total


def p15(x, w):
    a = x * 1.0
    t = a.T
    total = 0.0
    for i in range(3):
        s = a * 1.0
        t[i] = w
        total = total + np.sum(s * x)
    return total


def p16(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a[1:] * 1.0
        np.negative(a[1:], out=a[1:])
        total = total + np.sum(s * a[1:]) * w
    return total


def q01(x, w):
    a = x * 1.0
    b = a[1:]
    total = 0.0
    for i in range(3):
        s = b * 1.0
        a[i] = a[i] * w
        total = total + np.sum(s * b)
    return total


def q02(x, w):
    a = x * 1.0
    b = a.reshape(2, 2).T
    total = 0.0
    for i in range(3):
        a[i] = a[i] * w
        total = total + np.sum(b * b) * x[i]
    return total


def q03(x, w):
    a = x * 1.0
    b = a
    total = 0.0
    for i in range(3):
        np.multiply.at(a, [i, i], w)
        total = total + np.sum(b * x) * b[i]
    return total


def q04(x, w):
    a = x * 1.0
    b = a
    total = 0.0
    for i in range(2):
        for j in range(2):
            np.put(a, [i + j], a[i] * w)
            total = total + np.sum(b * b)
    return total


def q05(x, w):
    a = x * 1.0
    b = a
    total = 0.0
    i = 0
    while i < 3:
        np.multiply(a, w, out=a)
        total = total + np.sum(b * x)
        i += 1
    return total


def q06(x, w):
    a = x * 1.0
    b = a
    for i in range(3):
        a[i] = a[i] * w
    return np.sum(b * b)


# ---- the same through helpers, aliases, views and nested loops
def r01(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a * 1.0
        scale_into(a[i:], w)
        total = total + np.sum(s * a)
    return total


def r02(x, w):
    a = x * 1.0
    total = 0.0
    for i in range(3):
        s = a * 1.0
        put_first(a, s[i + 1] * w)
        total = total + np.sum(s * a)
    return total


def r03(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        scale_into(r, w)
        total = total + np.sum(r * r)
    return total


def r04(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        put_first(r, w * r[i])
        total = total + np.sum(r * r)
    return total


def r05(x, w):
    total = 0.0
    for v in [x * 1.0, x * 2.0]:
        r = v * 1.0
        r[0] = w
        total = total + np.sum(r * v)
    return total


def r06(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        s = r
        s[i] = w * s[i]
        total = total + np.sum(r * s)
    return total


def r07(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        v = r[i:]
        v *= w
        total = total + np.sum(r * r)
    return total


def r08(x, w):
    total = 0.0
    for i in range(2):
        r = x * 1.0
        for j in range(2):
            s = r * 1.0
            r[i + j] = w * s[j]
            total = total + np.sum(s * r)
    return total


def r09(x, w):
    total = 0.0
    for i in range(3):
        r = x.reshape(2, 2) * 1.0
        r[i % 2] = r[i % 2] * w
        total = total + np.sum(r @ r)
    return total


def r10(x, w):
    total = 0.0
    for i in range(3):
        r = x * w
        np.add.at(r, [i, i], r[0])
        total = total + np.sum(r * r)
    return total


# ---- partials, lists rebuilt in outer loops, writes in branches of a loop
def s01(x, w):
    a = x * 1.0
    put = functools.partial(np.put, a)
    put([1], w)
    return np.sum(a * a)


def s02(x, w):
    total = 0.0
    for i in range(2):
        rows = [x * 1.0, x * 2.0]
        r = rows[i]
        np.put(r, [i], w)
        total = total + np.sum(rows[0] * rows[1])
    return total


def s03(x, w):
    total = 0.0
    for i in range(2):
        rows = []
        for k in range(2):
            rows.append(x * (k + w))
        np.multiply(rows[0], w, out=rows[1])
        total = total + np.sum(rows[0] * rows[1])
    return total


def s04(x, w):
    a = x * 1.0
    for i in range(3):
        if a[i] > 0:
            continue
        np.multiply.at(a, [i], w)
    return np.sum(a * x)


def s05(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        if i == 1:
            r[i] = w
        elif i == 2:
            np.put(r, [0], w * r[3])
        total = total + np.sum(r * r)
    return total


def s06(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        r[i] = w
        total = total + np.sum(r * r)
        r = r * w
        total = total + np.sum(r)
    return total


def s07(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        out = np.empty(4)
        np.multiply(r, w, out=out)
        out[i] = r[i] * out[i]
        total = total + np.sum(out * out)
    return total


def s08(x, w):
    total = 0.0
    for i in range(3):
        r = x * w
        r.sort()
        total = total + r[0] * r[3]
    return total


def s09(x, w):
    total = 0.0
    for i in range(3):
        m = np.outer(x, x) * w
        np.fill_diagonal(m, w)
        total = total + np.sum(m * m)
    return total


def s10(x, w):
    total = 0.0
    for i in range(3):
        r = x * 1.0
        np.copyto(r, x * w, where=x > 0)
        total = total + np.sum(r * r * r)
    return total


def _programs(arity):
    return [(n, f) for n, f in sorted(globals().items()) if callable(f) and re.fullmatch(r"[a-z]\d\d", n)
            and f.__code__.co_argcount == arity]


CASES = [(n, f, (X4, W), (0, 1)) for n, f in _programs(2)]
VECTOR_CASES = [(n, f, (X4,), (0,)) for n, f in _programs(1)]
