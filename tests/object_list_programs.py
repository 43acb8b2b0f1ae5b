"""Programs for tests/test_object_list_programs.py: lists of objects as users write them,
whose length is known only when the code runs, objects moved between lists, objects in
a dict built by a loop. Each takes ``w`` (three floats) and returns a number."""

import numpy as np


class Layer:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def up(self, h):
        return np.tanh(self.W * h + self.b)

    def step(self, w):
        self.W = self.W * w + self.b
        return np.sum(self.W)

    @property
    def total(self):
        return np.sum(self.W * self.b)


class Counted:
    calls = 0

    def __init__(self, W):
        self.W = W

    def step(self, w):
        self.calls += 1
        self.W = self.W * w


class Keeper:
    def __init__(self, W):
        self.W = W

    def step(self, w, into):
        into.append(self)
        self.W = self.W * w


# -- a length known only when the code runs ------------------------------------------

def r01(w, n=3):
    layers = [Layer(w * (i + 1.0), w[i]) for i in range(n)]
    h = np.ones(3)
    for layer in layers:
        h = layer.up(h)
    return np.sum(h)


def r02(w):
    layers = []
    for i in range(len(w)):
        layers.append(Layer(w[i] * np.ones(3), 0.5))
    total = 0.0
    for layer in layers:
        total = total + layer.step(w)
    for layer in layers:
        layer.step(w)
    return total + np.sum(layers[0].W * layers[-1].W) + len(layers)


def r03(w):
    layers = [Layer(np.sin(w) * k, b=k * 0.1) for k in range(len(w))]
    layers[1].step(w)
    first = layers[0].step(w)
    h = w
    for layer in layers:
        h = layer.up(h)
        layer.b = layer.b + np.sum(h)
    return first + np.sum(h * layers[1].W) + layers[2].b


def r10(w):
    outer = [Layer(w * (k + 1.0), 1.0) for k in range(len(w))]
    inner = [Layer(w * (k - 1.0), 2.0) for k in range(2)]
    for a in outer:
        for b in inner:
            a.W = a.W + b.W * a.W
            b.step(w)
        a.b = a.total
    return np.sum(outer[0].W * inner[1].W) + np.sum(outer[-1].W) + outer[1].b


def r04(w):
    # the list read in a generator expression sum takes at once: run as a loop
    layers = [Layer(w * (i + 1.0), 0.0) for i in range(len(w))]
    for layer in layers:
        layer.step(w)
    return sum(np.sum(layer.W ** 2) for layer in layers)


# refused: a method storing an attribute __init__ does not give (a class's counter)
def r05(w):
    items = [Counted(w * k) for k in range(len(w))]
    for item in items:
        item.step(w)
    return np.sum(items[0].W + items[-1].W) + items[0].calls


# refused: a method handing self on (into another list)
def r06(w):
    items = [Keeper(w * k) for k in range(len(w))]
    kept = []
    for item in items:
        item.step(w, kept)
    kept[0].W = kept[0].W * 2.0
    return np.sum(items[0].W + items[-1].W)


# refused: the loop's object read after the loop
def r07(w):
    layers = [Layer(w * k, 0.0) for k in range(len(w))]
    for layer in layers:
        layer.step(w)
    return np.sum(layer.W) + np.sum(layers[-1].W)


# refused: a break in a loop changing the objects
def r08(w):
    layers = [Layer(w * k, 0.0) for k in range(len(w))]
    for layer in layers:
        if layer.step(w) > 1.0:
            break
    return np.sum(layers[-1].W)


# refused: a loop over the list inside a loop over it
def r09(w):
    layers = [Layer(w * k, 0.0) for k in range(len(w))]
    for a in layers:
        for b in layers:
            a.W = a.W + b.W
    return np.sum(layers[-1].W)


# -- objects moved between lists: each item of ys is the object objs holds there, as in Python
# (ys.append(objs[0]): item method program a23; list(objs) and a, b = objs: a22, a05) --

def m02(w):
    objs = [Layer(np.ones(3), 0.1), Layer(2.0 * np.ones(3), 0.2), Layer(w, 0.3)]
    ys = objs[:2]
    for y in ys:
        y.step(w)
    return np.sum(objs[0].W * objs[1].W * objs[2].W)


def m05(w):
    objs = [Layer(np.ones(3), 0.1), Layer(2.0 * np.ones(3), 0.2)]
    ys = []
    ys.extend(objs)
    ys[0].step(w)
    objs[1].step(w)
    return np.sum(objs[0].W * ys[1].W)


def m06(w):
    objs = [Layer(np.ones(3), 0.1), Layer(2.0 * np.ones(3), 0.2)]
    extra = Layer(w, 0.3)
    ys = objs + [extra]
    for y in ys:
        y.step(w)
    return np.sum(objs[0].W * extra.W) + np.sum(objs[1].W)


def m07(w):
    objs = [Layer(np.ones(3), 0.1), Layer(2.0 * np.ones(3), 0.2)]
    ys = [objs[1], objs[0]]
    ys[0].step(w)
    return np.sum(objs[1].W ** 2 * objs[0].W)


def m08(w):
    objs = [Layer(w * k, 0.1) for k in (1.0, 2.0)]
    ys = []
    for o in objs:
        ys.append(o)
    ys[1].step(w)
    return np.sum(objs[1].W ** 2)


def m09(w):
    objs = [Layer(np.ones(3), 0.1)]
    ys = []
    ys.append(objs[0])
    ys[-1].W = ys[-1].W * w         # a store through the other list changes objs[0]
    return np.sum(objs[0].W ** 2)


def m10(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = objs[1:]
    objs[1].step(w)                 # changed after the move: ys[0] shows it
    ys[0].step(w)
    return np.sum(ys[0].W * objs[1].W) + len(ys)


def m11(w):
    objs = [Layer(w * k, 0.1) for k in (1.0, 2.0, 3.0)]
    ys = list(reversed(objs))
    zs = [o for o in objs if True]
    h = np.ones(3)
    for y in ys:
        h = y.up(h)
    zs[0].step(w)
    return np.sum(h) + np.sum(objs[0].W)


def m12(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = []
    ys.extend(reversed(objs))
    ys.append(objs[0])              # objs[0] twice in ys: stepped twice
    total = 0.0
    for y in ys:
        total = total + y.step(w)
    return total + np.sum(ys[1].W * objs[1].W)


def m13(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = objs
    ys[0].step(w)
    return np.sum(objs[0].W * ys[1].W)


def m14(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2), Layer(3.0 * w, 0.3)]
    ys = []
    for i in range(2, -1, -2):      # moved in a loop: objs[2], then objs[0]
        ys.append(objs[i])
    for y in ys:
        y.step(w)
    return np.sum(objs[0].W * objs[2].W * objs[1].W) + len(ys)


def m19(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    for k in range(2):
        ys = [objs[1], objs[0]]     # moved again in each pass, objs made before the loop
        ys[0].step(w)
        for y in ys:
            y.b = y.b * 0.5 + k * np.sum(y.W)
    return np.sum(objs[1].W * objs[0].W) + objs[0].b


def m18(w):
    # moved at indices known only when the code runs: the display is held per attribute too
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = []
    for i in range(len(w) - 1):
        ys.append(objs[i])
    ys[0].step(w)
    return np.sum(objs[0].W)


# refused: the loop's object read after the loop over the moved list
def m15(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = objs[:1]
    for y in ys:
        y.step(w)
    return np.sum(y.W + objs[0].W)


def m16(w):
    # the moved list appended to after it is read: the display is held per attribute too
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = [objs[0]]
    ys[0].step(w)
    ys.append(objs[1])
    ys[-1].step(w)
    return np.sum(objs[0].W + objs[1].W)


# refused: the moved list bound to another name
def m17(w):
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    ys = objs[:]
    other = ys
    other[0].step(w)
    return np.sum(objs[0].W)


# -- objects moved out of a list of run-time length (column_moves.py): each item of ys is the
# object layers holds there, found when the code runs --

def m20(w, n=3):
    # a slice and an item: the last object twice, stepped twice (by a comprehension, whose
    # name is its own: y outside keeps its value); changed through ys, read through
    # layers and the other way round
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(n)]
    ys = layers[1:] + [layers[-1]]
    y = 2.0
    s = sum([y.step(w) for y in ys if True])
    layers[1].step(w)
    v = ys[0].W
    return np.sum(layers[2].W * v) * y + ys[-1].b + len(ys) + s


def m21(w):
    # ys: moved at an index the code computes, in a loop and a branch (layers[0] twice
    # here); zs: reversed, moved again in each pass of a loop; read by enumerate, zip and
    # a comprehension; layers appended to after the moves
    layers = []
    for i in range(len(w)):
        layers.append(Layer(w[i] * np.ones(3), 0.5))
    ys = []
    for t in range(len(w)):
        if w[t] > 0:
            ys.append(layers[t])
        else:
            ys.append(layers[0])
    total = 0.0
    for t in range(2):
        zs = layers[::-1]
        for i, z in enumerate(zs):
            total = total + i * z.step(w)
        for y, s in zip(ys, (1.0, 2.0)):
            y.b = y.b * s + np.sum(y.W) * 0.1
        vals = [np.sum(y.up(w)) * y.step(w) for y in ys]
        total = total + vals[0] + len(vals)
    layers.append(Layer(w, 0.2))
    return total + np.sum(layers[0].W * layers[-1].W) + layers[2].b + ys[-1].b + len(ys)


def m23(w, k=1):
    # a slice with bounds known when the code runs, appended to after it is read; a
    # generator expression over the list max takes at once, the objects read after it
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[:k + 1]
    h = np.ones(3)
    for y in ys:
        h = y.up(h)
        y.step(h)
    ys.append(layers[0])
    ys[-1].step(w)
    top = max(np.sum(y.up(w)) for y in layers) + ys[0].b * np.sum(layers[1].W)    # (read after it)
    return np.sum(h) + np.sum(layers[0].W) + ys[1].b + top


def m30(w):
    # a comprehension that may not run (under and): the loop it becomes runs in an if
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[1:]
    s = w[0] > 0 and sum([y.step(w) for y in ys])
    return s + np.sum(layers[0].W)


def m24(w):
    # the moved list read inside a loop over the objects, before the pass changes its object
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[:2]
    for layer in layers:
        layer.W = layer.W + ys[0].W
    return np.sum(layers[0].W)


# refused: a new object stored into the list a moved list was taken from
def m26(w):
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[:1]
    layers[0] = Layer(w, 0.0)
    ys[0].step(w)
    return np.sum(layers[0].W + ys[0].W)


def m27(w):
    # the moved list bound in a branch, read after it
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    if w[0] > 0:
        ys = layers[:1]
    ys[0].step(w)
    return np.sum(layers[0].W)


# refused: the moved list read inside a loop over the objects after the pass changed its object
def m31(w):
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[:2]
    for layer in layers:
        layer.step(w)
        layer.W = layer.W + ys[0].W
    return np.sum(layers[0].W)


# refused: the moved list bound in a loop, read after it
def m32(w):
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    for k in range(2):
        ys = layers[k:]
    ys[0].step(w)
    return np.sum(layers[0].W)


# refused: a comprehension that may not run (under a conditional expression)
def m33(w):
    layers = [Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[1:]
    s = sum([y.step(w) for y in ys]) if w[0] > 0 else 0.0
    return s + np.sum(layers[0].W)


# -- objects in a dict built by a loop -------------------------------------------------

def d02(w):
    ws = [w, 2.0 * w]
    d = {}
    for name, w_i in zip(["a", "b"], ws):
        d[name] = Layer(w_i, 0.2)
    for layer in d.values():
        layer.step(w)
    return np.sum(d["a"].W * d["b"].W)


def d03(w):
    d = {}
    for i in range(2):
        d[f"l{i}"] = Layer(w * (i + 1.0), 0.3)
    h = np.ones(3)
    for k in d:
        h = d[k].up(h)
    return np.sum(h)


def d04(w):
    d = {}
    for i in range(len(w)):
        d[i % 2] = Layer(w * (i + 1.0), w[i])      # the second store at key 0 replaces the first object
    total = 0.0
    for k, layer in d.items():
        layer.step(w)
        k = k + 10
        total = total + np.sum(layer.W) * k
    d[1] = Layer(np.sin(w), 1.0)
    d[0].step(w)
    last, b, n = d[1].W, d[0].b, len(d)
    extra = [Layer(last * k, b) for k in range(n)]
    for e in extra:
        e.step(w)
    return total + np.sum(d[0].W * d[1].W) + (1 in d) + (5 in d) + len(d) + np.sum(extra[-1].W)


# refused: the dict handed to another name
def d05(w):
    d = {}
    for name in ["a", "b"]:
        d[name] = Layer(w, 0.5)
    alias = d
    alias["a"].step(w)
    return np.sum(d["a"].W)


# -- a list of objects rebuilt in each pass of an outer loop --------------------------

def o01(w, n=2):
    total = 0.0
    for t in range(2):
        layers = [Layer(w * (i + t + 1.0), w[i]) for i in range(n)]
        for layer in layers:
            total = total + layer.step(w)
    return total


def o02(w):
    # rebuilt in a branch of a while loop; every object holds the one array a (w itself
    # at first, then an attribute of the last pass's object); an item stepped by index;
    # items read after the loop
    a, h, t = w, np.ones(3), 0
    while t < 3:
        if t != 1:
            layers = [Layer(a, 0.5 * w[i]) for i in range(len(w))]
            layers[0].step(w)
            for layer in layers:
                h = layer.up(h)
                layer.step(h)
            a = layers[-1].W
        t = t + 1
    return np.sum(h) + np.sum(layers[0].W * a) + layers[1].b


PROGRAMS = [value for name, value in sorted(globals().items()) if name[:1] in "rmd" and name[1:].isdigit()]
