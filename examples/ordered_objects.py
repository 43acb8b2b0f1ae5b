"""Objects compared and used as dict keys inside a differentiated function.

``functools.total_ordering`` writes ``>``, ``<=`` and ``>=`` from the ``__lt__`` a class
defines; a class defining ``__eq__`` puts ``__hash__ = object.__hash__`` back to stay
usable as a dict key. astgrad follows both as Python runs them: the comparison is the
expression total_ordering computes over your ``__lt__``, and the hash is the object's
identity. Each derivative below is checked against central finite differences.

Run from the repository root:  python examples/ordered_objects.py
"""

import functools

import numpy as np

import astgrad


@functools.total_ordering
class Candidate:
    """A candidate solution, ranked by its cost (read, never written)."""
    __hash__ = object.__hash__

    def __init__(self, params):
        self.params = params

    def cost(self):
        return np.sum((self.params - 1.0) ** 2)

    def __lt__(self, other):
        return self.cost() < other.cost()

    def __eq__(self, other):
        return self is other


def blended(w):
    near, far = Candidate(w * 1.0), Candidate(w * 3.0)
    weights = {near: 0.75, far: 0.25}               # objects as keys
    if far > near:                                  # > from __lt__
        return weights[near] * near.cost() + weights[far] * np.sum(np.sin(far.params))
    return weights[far] * far.cost() + weights[near] * np.sum(np.sin(near.params))


def central_differences(f, w, h=1e-6):
    grad = np.zeros_like(w)
    for i in range(w.size):
        step = np.zeros_like(w)
        step[i] = h
        grad[i] = (f(w + step) - f(w - step)) / (2 * h)
    return grad


def main():
    w = np.array([0.9, 1.2, 1.1])
    value, gradient = astgrad.value_and_grad(blended)(w)
    print(f"blended {value:.6f}")
    print("d blended / d w =", np.round(gradient, 6))
    print("matches finite differences:", np.allclose(gradient, central_differences(blended, w), rtol=1e-5, atol=1e-6))
    hessian = astgrad.hessian(blended)(w)
    rows = np.array([central_differences(lambda v: astgrad.grad(blended)(v)[i], w) for i in range(w.size)])
    print("Hessian matches finite differences:", np.allclose(hessian, rows, rtol=1e-4, atol=1e-5))


if __name__ == "__main__":
    main()
