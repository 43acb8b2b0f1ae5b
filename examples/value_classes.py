"""Small value classes with operators, differentiated as Python runs them.

A 2-d vector class and a dataclass of parameters define +, -, * (and the reflected
3.0 * v); astgrad follows each operator as the method call it is (v + w runs
Vec.__add__), in reverse and forward mode and to second order. The SGD step
p = p - lr * g below works on the Params object as a whole. An iterator class (its
__iter__ returns self, its __next__ moves a counter) and a builder whose methods
return self (or a new builder, on which the chain goes on) are followed as Python
runs them too.
"""

import dataclasses

import numpy as np

import astgrad


class Vec:
    """A 2-d vector: v + w, k * v, v * k, and v @ w (the dot product)."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __mul__(self, k):
        return Vec(k * self.x, k * self.y)

    __rmul__ = __mul__

    def __matmul__(self, other):
        return self.x * other.x + self.y * other.y


def energy(a):
    v = Vec(np.sin(a), a * a)
    w = v + 3.0 * v
    return w @ v


@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: float

    def __sub__(self, other):
        return Params(self.W - other.W, self.b - other.b)

    def __rmul__(self, k):
        return Params(k * self.W, k * self.b)


def loss(W, b, X, y):
    return np.mean((np.tanh(X @ W + b) - y) ** 2)


def trained(W, b, X, y, lr):
    """Loss after three SGD steps, as a function of the learning rate."""
    p = Params(W, b)
    for _ in range(3):
        gW, gb = astgrad.grad(loss, wrt=(0, 1))(p.W, p.b, X, y)
        p = p - lr * Params(gW, gb)
    return loss(p.W, p.b, X, y)


class Weighted:
    """An iterator over data, each item scaled by a weight: for c in Weighted(...)."""

    def __init__(self, data, w):
        self.data, self.w = data, w

    def __iter__(self):
        self.i = 0
        return self

    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        item = self.data[self.i] * self.w
        self.i += 1
        return item


class Polynomial:
    """A builder: Polynomial().term(a).term(b) adds terms, each method returning self;
    scaled(k) returns a new Polynomial, on which the chain goes on."""

    def __init__(self, coefficients=()):
        self.coefficients = list(coefficients)

    def term(self, c):
        self.coefficients.append(c)
        return self

    def scaled(self, k):
        return Polynomial([k * c for c in self.coefficients])

    def at(self, t):
        return sum(c * t ** k for k, c in enumerate(self.coefficients))


def chained(a):
    total = 0.0
    for c in Weighted([a, np.sin(a), a * a], 0.5):
        total = total + c * c
    return total + Polynomial().term(a).term(2.0 * a).scaled(a).term(a * a).at(1.5)


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def main():
    a = 0.7
    print("d energy / da         ", astgrad.grad(energy)(a))
    print("matches finite differences:", np.isclose(astgrad.grad(energy)(a), central_difference(energy, a)))
    print("forward mode agrees:  ", np.isclose(astgrad.jvp(energy, (a,), (1.0,))[1], astgrad.grad(energy)(a)))
    print("second derivative     ", astgrad.grad(astgrad.grad(energy))(a))

    d_chained = astgrad.grad(chained)(a)
    print("iterator and builder match finite differences:",
          np.isclose(d_chained, central_difference(chained, a)),
          np.isclose(astgrad.jvp(chained, (a,), (1.0,))[1], d_chained),
          np.isclose(astgrad.grad(astgrad.grad(chained))(a),
                     central_difference(astgrad.grad(chained), a), rtol=1e-6))

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    W = rng.standard_normal(3) * 0.3
    d_lr = astgrad.grad(trained, wrt=4)(W, 0.1, X, y, 0.5)
    print("d loss after 3 steps / d lr", d_lr)
    print("learning-rate gradient matches finite differences:",
          np.isclose(d_lr, central_difference(lambda lr: trained(W, 0.1, X, y, lr), 0.5), rtol=1e-5))


if __name__ == "__main__":
    main()
