"""Plain Python objects inside a differentiated function: a parameter object, a list of
layers built by a subclass, a mixin that scales each layer in place, and helpers that
write into lists of copies.

Everything here is written the way one would write it without astgrad: attributes
written in place (``self.weights *= v``), a subclass appending to the list its base
built, a child object made from a copy of its parent's array, a mixin method returning
``self`` (its value unread), ``super(Cls, self)`` inside a lambda. astgrad follows Python's
meaning for each, and each gradient below is checked against central finite
differences.

Run from the repository root:  python examples/object_forms.py
"""

import numpy as np

import astgrad


class Params:
    """The trainable numbers, read by the layers it makes."""

    def __init__(self, w):
        self.w = w
        self.initial = w                # a second name for the same array

    def centred(self):
        return self.w - np.mean(self.w)

    def layer(self):
        return Dense(self.w.copy())     # a copy: the layer owns its array


class Dense:
    def __init__(self, weights):
        self.weights = weights

    def scale(self, v):
        self.weights *= v               # in place, on the layer's own array
        return self

    def apply(self, x):
        return np.tanh(x * self.weights)


class Doubled(Dense):
    def apply(self, x):
        inner = lambda: super(Doubled, self).apply(x)      # noqa: E731 - the base's apply
        return 2.0 * inner()


class ScaleMixin:
    def scale_all(self, layers, v):
        for layer in layers:
            layer.scale(v)
        return self                     # for chaining, where a caller wants it


class Net(ScaleMixin):
    def __init__(self, p):
        self.layers = [Dense(p.w.copy()), Dense(p.w * 0.5)]

    def output(self, x):
        for layer in self.layers:
            x = layer.apply(x)
        return x


class History:
    def __init__(self, first):
        self.values = [first]


class Trace(History):
    def __init__(self, first, second):
        super().__init__(first)
        self.values.append(second)      # into the list History.__init__ built

    def total(self):
        return sum(np.sum(v ** 2) for v in self.values)


def clip_all(arrays, limit):
    """Scale each array of the list it is handed, in place, and pin its first entry."""
    for i in range(len(arrays)):
        arrays[i] *= limit
        arrays[i][0] = limit


def loss(w, x, y):
    p = Params(w * 1.0)
    net = Net(p)
    net.scale_all(net.layers, w[0])
    out = net.output(x)
    extra = p.layer()
    extra.scale(w[2])                   # the copy changes; p.w does not
    head = Doubled(p.w * 0.1)
    kept = [w * 0.5, np.sin(w)]
    clip_all(kept, w[1])
    trace = Trace(out, head.apply(x))
    penalty = np.sum(kept[0] ** 2) + np.sum(kept[1] ** 2)
    return np.sum((out - y) ** 2) + 0.1 * penalty + 0.01 * trace.total() + np.sum(extra.apply(x) * y) \
        + np.sum(p.centred() ** 2) + np.sum(p.initial * p.w)


def central_differences(f, w, *args, h=1e-6):
    grad = np.zeros_like(w)
    for i in range(w.size):
        step = np.zeros_like(w)
        step[i] = h
        grad[i] = (f(w + step, *args) - f(w - step, *args)) / (2 * h)
    return grad


def main():
    rng = np.random.default_rng(0)
    w = rng.uniform(0.5, 1.5, 4)
    x, y = rng.normal(size=4), rng.normal(size=4)

    value, gradient = astgrad.value_and_grad(loss)(w, x, y)
    expected = central_differences(loss, w, x, y)
    print(f"loss {value:.6f}")
    print("d loss / d w =", np.round(gradient, 6))
    print("matches finite differences:", np.allclose(gradient, expected, rtol=1e-5, atol=1e-6))

    tangent = rng.normal(size=4)
    _, directional = astgrad.jvp(loss, (w, x, y), (tangent, np.zeros(4), np.zeros(4)))
    print("forward mode agrees:", np.isclose(directional, gradient @ tangent))

    hessian = astgrad.hessian(loss)(w, x, y)
    rows = np.array([central_differences(lambda v: astgrad.grad(loss)(v, x, y)[i], w) for i in range(4)])
    print("Hessian matches finite differences:", np.allclose(hessian, rows, rtol=1e-4, atol=1e-5))


if __name__ == "__main__":
    main()
