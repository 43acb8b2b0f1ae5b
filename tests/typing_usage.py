"""A program using astgrad's public API as users do, for the type checker (not a test
module: ``mypy``, run by CI, checks it against the package's hints). Each
``type: ignore`` marks a misuse the hints must catch: with ``warn_unused_ignores`` the
check fails if a hint stops catching it."""

from typing import Any, Tuple

import numpy as np

import astgrad


@astgrad.differentiable
def loss(w: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(np.tanh(x @ w) ** 2))


def use() -> None:
    w, x = np.ones(3), np.ones((2, 3))
    g = astgrad.grad(loss)
    text: str = g.source
    gradient: Any = g(w, x)
    both = astgrad.value_and_grad(loss, wrt=("w", "x"))
    value_and_gradients: Any = both(w, x)
    out, pullback = astgrad.vjp(loss, w, x)
    cotangents: Tuple[Any, ...] = pullback(1.0)
    value, tangent = astgrad.jvp(loss, (w, x), (w, x))
    J: np.ndarray = astgrad.jacobian(np.tanh, mode="forward")(w)
    H: np.ndarray = astgrad.hessian(loss)(w, x)
    product: Any = astgrad.hvp(loss)(w, x, w)
    kept: np.ndarray = astgrad.stop_gradient(w)
    t = astgrad.tensor([1.0, 2.0], requires_grad=True)
    astgrad.clear_cache()
    version: str = astgrad.__version__
    print(text, gradient, value_and_gradients, out, cotangents, value, tangent, J, H, product, kept, t,
          version, loss(w, x))


def misuse() -> None:
    astgrad.grad(loss, wrt=1.5)  # type: ignore[arg-type]
    astgrad.jacobian(loss, mode="sideways")  # type: ignore[arg-type]
    astgrad.grad(loss, preserve_result="yes")  # type: ignore[arg-type]
    astgrad.jvp(loss, 1.0, 1.0)  # type: ignore[call-overload]
    n: int = astgrad.grad(loss).source  # type: ignore[assignment]
    astgrad.clear_cache(True)  # type: ignore[call-arg]
    print(n)
