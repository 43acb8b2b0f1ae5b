"""astgrad in one screen: decorate a function, then take gradients, values and VJPs.

Run from the repository root:  python examples/quickstart.py
"""

import numpy as np

import astgrad


@astgrad.differentiable            # the adjoint is generated (and checked) right here
def f(x, y):
    z = x * y + np.sin(x)
    return z * z


# The decorated function still behaves exactly like the original.
print("f(1.5, -2.0)        =", f(1.5, -2.0))

# grad: the derivative with respect to the first argument (wrt=0 by default).
df_dx = astgrad.grad(f)
print("df/dx (1.5, -2.0)   =", df_dx(1.5, -2.0))

# Several arguments at once, by position or by name: a tuple of gradients.
df_dxy = astgrad.grad(f, wrt=("x", "y"))
print("(df/dx, df/dy)      =", df_dxy(1.5, -2.0))

# value_and_grad: the value and the gradient from a single call.
value, dx = astgrad.value_and_grad(f)(1.5, -2.0)
print("value, df/dx        =", value, dx)


# Arrays work the same way; gradients have the shape of their argument.
def energy(w):
    return np.sum(np.tanh(w) ** 2)


w = np.array([[0.1, -0.2], [0.3, 0.4]])
print("d energy / d w      =\n", astgrad.grad(energy)(w))


# vjp: for functions with array outputs, pull a cotangent back to the inputs.
def scale_columns(A, s):
    return A * s                   # s broadcasts across the rows of A


A = np.arange(6.0).reshape(2, 3)
s = np.array([2.0, -1.0, 0.5])
out, pullback = astgrad.vjp(scale_columns, A, s)
dA, ds = pullback(np.ones_like(out))
print("vjp out             =\n", out)
print("pullback(ones): dA  =\n", dA)
print("pullback(ones): ds  =", ds)

# Check one derivative by hand: d/dx (x*y + sin x)^2 = 2 (x*y + sin x) (y + cos x).
x, y = 1.5, -2.0
expected = 2 * (x * y + np.sin(x)) * (y + np.cos(x))
assert np.isclose(df_dx(x, y), expected)
print("matches the hand-derived derivative:", expected)
