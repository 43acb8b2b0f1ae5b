"""Programs for tests/test_item_method_programs.py: an object a local container holds (a dict of
lists, nested lists, a tuple, a dict's values), reached through an alias, a loop, an
iterator, getattr or a negative index, whose method stores a differentiated value into
the object (or into an object it is given), called before or after a read, in a loop or
in a branch. Each takes ``w`` (three floats) and returns a number."""

import logging

import numpy as np


class Layer:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        self.W = self.W + w

    def step(self, w):
        self.W = self.W * w
        return np.sum(self.W)

    def push(self, w, other):
        other.W = other.W + self.W * w


class Acc:
    def __init__(self):
        self.total = 0.0

    def add(self, v):
        self.total += v


class Setter:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        setattr(self, "W", self.W + w)


class Bag:
    pass


def one():
    return np.ones(3)


def a01(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    held[0].up(w)
    return np.sum(d["a"][0].W)


def a02(w):
    d = {"a": [Layer(np.ones(3))]}
    d["a"][0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a03(w):
    nested = [[Layer(np.ones(3)), Layer(2.0 * np.ones(3))]]
    nested[0][1].up(w)
    return np.sum(nested[0][0].W * nested[0][1].W)


def a04(w):
    nested = [[Layer(np.ones(3))]]
    row = nested[0]
    row[0].up(w)
    return np.sum(nested[0][0].W ** 2)


def a05(w):
    pair = (Layer(np.ones(3)), Layer(2.0 * np.ones(3)))
    a, b = pair
    a.up(w)
    return np.sum(pair[0].W * pair[1].W)


def a06(w):
    d = {"a": Layer(np.ones(3)), "b": Layer(2.0 * np.ones(3))}
    for k, v in d.items():
        v.up(w)
    return np.sum(d["a"].W * d["b"].W)


def a07(w):
    d = {"a": Layer(np.ones(3)), "b": Layer(2.0 * np.ones(3))}
    for v in d.values():
        v.up(w)
    return np.sum(d["a"].W * d["b"].W)


def a08(w):
    objs = [Layer(np.ones(3))]
    getattr(objs[0], "up")(w)
    return np.sum(objs[0].W ** 2)


def a09(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    next(iter(objs)).up(w)
    return np.sum(objs[0].W * objs[1].W)


def a10(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    objs[-1].up(w)
    return np.sum(objs[0].W * objs[1].W)


def a11(w):
    d = {"a": [Layer(np.ones(3))]}
    s = np.sum(d["a"][0].W * w)
    held = d["a"]
    held[0].up(w)
    return s + np.sum(d["a"][0].W ** 2)


def a12(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    for _ in range(3):
        held[0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a13(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    if w[0] > 0:
        held[0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a14(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    objs[0].push(w, objs[1])
    return np.sum(objs[1].W ** 2)


def a15(w):
    d = {"a": [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]}
    held = d["a"]
    held[0].push(w, held[1])
    return np.sum(d["a"][1].W ** 2)


def a16(w):
    objs = []
    objs.append(Layer(np.ones(3)))
    objs[0].up(w)
    return np.sum(objs[0].W ** 2)


def a17(w):
    objs = [Layer(np.ones(3)) for _ in range(2)]
    objs[1].up(w)
    return np.sum(objs[0].W * objs[1].W)


def a18(w):
    d = {}
    d["a"] = Layer(np.ones(3))
    d["a"].up(w)
    return np.sum(d["a"].W ** 2)


def a19(w):
    objs = [Layer(np.ones(3))]
    for layer, s in zip(objs, [2.0]):
        layer.up(s * w)
    return np.sum(objs[0].W ** 2)


def a20(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    for i, layer in enumerate(objs):
        layer.up(w * (i + 1.0))
    return np.sum(objs[0].W * objs[1].W)


def a21(w):
    bag = Bag()
    bag.items = [Layer(np.ones(3))]
    bag.items[0].up(w)
    return np.sum(bag.items[0].W ** 2)


def a22(w):
    objs = [Layer(np.ones(3))]
    others = list(objs)
    others[0].up(w)
    return np.sum(objs[0].W ** 2)


def a23(w):
    objs = [Layer(np.ones(3))]
    ys = []
    ys.append(objs[0])
    ys[0].up(w)
    return np.sum(objs[0].W ** 2)


def a24(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    objs[:1][0].up(w)
    return np.sum(objs[0].W * objs[1].W)


def a25(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    for layer in reversed(objs):
        layer.up(w)
    return np.sum(objs[0].W * objs[1].W)


def a26(w):
    d = {"acc": [Acc()]}
    held = d["acc"]
    held[0].add(np.sum(w ** 2))
    return d["acc"][0].total


def a27(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    t = held[0].step(w)
    return t + np.sum(d["a"][0].W)


def a28(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    if held[0].step(w) > 100.0:
        return 0.0
    return np.sum(d["a"][0].W ** 2)


def a29(w):
    log = logging.getLogger("astgrad.tests.items")
    d = {"log": [log]}
    d["log"][0].debug("w is %s", w)
    return np.sum(w ** 2)


def a30(w):
    d = {"a": [[np.ones(3)]]}
    d["a"][0].append(w)
    return np.sum(d["a"][0][1] ** 2)


def a31(w):
    d = {"a": [{"W": np.ones(3)}]}
    held = d["a"]
    held[0].update({"W": w})
    return np.sum(d["a"][0]["W"] ** 2)


def a32(w):
    d = {"a": [Setter(np.ones(3))]}
    held = d["a"]
    held[0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a33(w):
    objs = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    i = int(w[0] > 0)
    objs[i].up(w)
    return np.sum(objs[0].W * objs[1].W)


def a34(w):
    d = {"a": [Layer(np.ones(3))]}
    k = 0
    while k < 2:
        d["a"][0].up(w)
        k += 1
    return np.sum(d["a"][0].W ** 2)


def a35(w):
    d = {"a": [Layer(np.ones(3))]}
    first, second = d["a"], d["a"]
    first[0].up(w)
    second[0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a36(w):
    table = {"x": {"y": Layer(np.ones(3))}}
    inner = table["x"]
    inner["y"].up(w)
    return np.sum(table["x"]["y"].W ** 2)


def a37(w):
    d = {"a": [Layer(np.ones(3))]}
    for layers in d.values():
        for layer in layers:
            layer.up(w)
    return np.sum(d["a"][0].W ** 2)


def a38(w):
    d = {"a": [Layer(np.ones(3))]}
    for key in d:
        d[key][0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a39(w):
    pairs = [(Layer(np.ones(3)), 2.0)]
    for layer, s in pairs:
        layer.up(s * w)
    return np.sum(pairs[0][0].W ** 2)


def a40(w):
    d = {"a": [Layer(one())]}
    held = d["a"]
    held[0].up(np.sin(w))
    return np.sum(d["a"][0].W * w)


def touch(layers, w):
    layers[0].up(w)


def a41(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    held.append(Layer(2.0 * np.ones(3)))
    held[1].up(w)
    return np.sum(d["a"][1].W ** 2)


def a42(w):
    d = {"a": [Layer(np.ones(3))], "b": [Layer(2.0 * np.ones(3))]}
    for k in ("a", "b"):
        d[k][0].up(w)
    return np.sum(d["a"][0].W * d["b"][0].W)


def a43(w):
    nested = [[Layer(np.ones(3))], [Layer(2.0 * np.ones(3))]]
    for row in nested:
        row[0].up(w)
    return np.sum(nested[0][0].W * nested[1][0].W)


def a44(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    d["a"] = [Layer(2.0 * np.ones(3))]
    held[0].up(w)
    return np.sum(d["a"][0].W * w) + np.sum(held[0].W ** 2)


def a45(w):
    d = {"a": (Layer(np.ones(3)), Layer(2.0 * np.ones(3)))}
    a, b = d["a"]
    a.up(w)
    return np.sum(d["a"][0].W * b.W)


def a46(w):
    nested = [[Layer(np.ones(3))], [Layer(2.0 * np.ones(3))]]
    i = int(w[0] > 0)
    nested[i][0].up(w)
    return np.sum(nested[0][0].W * nested[1][0].W)


def a47(w):
    d = {"a": [Layer(np.ones(3))]}
    touch(d["a"], w)
    return np.sum(d["a"][0].W ** 2)


def a48(w):
    d = {"a": [Layer(np.ones(3))]}
    held = d["a"]
    held[0].up(w)
    held[0].up(w * 2.0)
    return np.sum(held[0].W * d["a"][0].W)


def a49(w):
    d = {"a": (np.ones(3), Layer(np.ones(3)))}
    d["a"][1].up(w)
    x, layer = d["a"]
    return np.sum(layer.W * x)


def a50(w):
    d = {"a": [Layer(np.ones(3))]}
    other = d
    other["a"][0].up(w)
    return np.sum(d["a"][0].W ** 2)


def a51(w):
    d = {"a": [Layer(np.ones(3))]}
    s = 0.0
    for _ in range(2):
        d["a"][0].up(w)
        s = s + np.sum(d["a"][0].W)
    return s


def a52(w):
    d = {"a": [np.ones(3)]}
    d["a"][0] *= w
    return np.sum(d["a"][0] ** 2)


def a53(w):
    layers = [Layer(k * w + 1.0) for k in range(3)]
    for layer in layers:
        layer.up(w)
    return np.sum(layers[0].W * layers[2].W) + np.sum(layers[1].W ** 2)


def a54(w):
    layers = []
    for k in range(3):
        layers.append(Layer(k * w + 1.0))
    layers.append(Layer(np.sin(w)))
    layers[0].up(w)
    for layer in layers:
        layer.step(w)
    return np.sum(layers[0].W * layers[2].W) + np.sum(layers[-1].W)


def a55(w):
    layers = [Layer(s * np.ones(3)) for s in (1.0, -2.0)]
    copy = layers[:]
    copy[-1].up(w)
    layers[1].up(w)
    return np.sum(layers[0].W * layers[1].W ** 2)


def a56(w):
    layers = [Layer(k * np.ones(3)) for k in range(2)]
    others = list(layers)
    for layer in others:
        layer.up(w)
    next(iter(layers)).up(w)
    return np.sum(layers[0].W * layers[1].W) + np.sum(layers[:2][-1].W)


def a57(w):
    layers = []
    for k in range(len(w)):
        layers.append(Layer(k * w))
    layers[0].up(w)
    return np.sum(layers[0].W ** 2)


def a58(w):
    layers = []
    for k in range(2):
        layers.append(Layer(k * w))
    layers[0].up(w)
    return np.sum(layers[0].W ** 2) * k


def a59(w):
    layers = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]
    copy = layers.copy()
    copy.append(Layer(w))
    copy[0].up(w)
    return np.sum(layers[0].W ** 2)


def a60(w):
    total = 0.0
    for layer, s in [(Layer(np.ones(3)), 2.0), (Layer(w), -3.0)]:
        layer.up(s * w)
        total = total + np.sum(layer.W ** 2)
    return total


def a61(w):
    layers = []
    for k in range(2):
        layers.append(Layer(k * w))
    for k in range(2):
        layers[k].up(w * (k + 1.0))
    return np.sum(layers[0].W * layers[1].W)


def a62(w):
    d = {"log": logging.getLogger("astgrad.tests.items")}
    other = d
    other["log"].debug("w is %s", w)
    return np.sum(w ** 2) * len(d)


PROGRAMS = [value for name, value in sorted(globals().items()) if name[:1] == "a" and name[1:].isdigit()]
