"""JAX's names in astgrad: a loss returning (value, aux) with has_aux=True, argnums= for
the positions to differentiate. The aux (predictions, a count, a label: anything) comes
back as the loss computed it, from the one run the gradient makes.

Run from the repository root:  python examples/aux_outputs.py
"""

import numpy as np

import astgrad


def loss(w, b, X, y):
    predictions = np.tanh(X @ w + b)
    errors = predictions - y
    return np.mean(errors ** 2), {"predictions": predictions, "wrong": int(np.sum(np.abs(errors) > 0.5))}


rng = np.random.default_rng(0)
X, y = rng.standard_normal((20, 3)), rng.uniform(-0.9, 0.9, 20)
w, b = np.zeros(3), 0.0

step = astgrad.value_and_grad(loss, argnums=(0, 1), has_aux=True)
for k in range(101):
    (value, aux), (dw, db) = step(w, b, X, y)
    if k % 50 == 0:
        print(f"step {k:3d}  loss {value:.4f}  wrong {aux['wrong']:2d}")
    w, b = w - 0.5 * dw, b - 0.5 * db

# the gradient of the value alone, checked against central differences
(dw, db), _ = astgrad.grad(loss, argnums=(0, 1), has_aux=True)(w, b, X, y)
h = 1e-6
numeric = [(loss(w + h * e, b, X, y)[0] - loss(w - h * e, b, X, y)[0]) / (2 * h) for e in np.eye(3)]
print("matches finite differences:", np.allclose(dw, numeric, rtol=1e-5, atol=1e-8))

# vjp hands the aux back third, as JAX's does
out, pullback, aux = astgrad.vjp(loss, w, b, X, y, has_aux=True)
print("predictions kept:", aux["predictions"].shape)
