"""Compute gradients in a process pool started with "spawn".

astgrad's transforms pickle by reference: a gradient travels as the name of the
function it differentiates (module and qualified name) plus its options, and the
worker process generates the derivative again. So the function must be defined at
module level: here, in this script, which each spawned worker imports (the code
that starts the pool is under ``if __name__ == "__main__":``).

Run: python examples/process_pool.py
"""

import concurrent.futures
import multiprocessing
import pickle

import numpy as np

import astgrad


def loss(w, x, y):
    """Mean squared error of a one-layer tanh model with weights w."""
    return np.mean((np.tanh(x @ w) - y) ** 2)


def main():
    rng = np.random.default_rng(0)
    w = rng.normal(size=3)
    batches = [(rng.normal(size=(64, 3)), rng.normal(size=64)) for _ in range(4)]
    gradient = astgrad.grad(loss)
    hessian = astgrad.hessian(loss)

    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        gradients = list(pool.map(gradient, [w] * len(batches), *zip(*batches)))
        curvature = pool.submit(hessian, w, *batches[0]).result()

    for i, ((x, y), g) in enumerate(zip(batches, gradients)):
        assert np.allclose(g, gradient(w, x, y), rtol=1e-12, atol=0)
        print(f"batch {i}: gradient {np.round(g, 4)} matches the gradient computed here")
    assert np.allclose(curvature, hessian(w, *batches[0]), rtol=1e-12, atol=0)
    print(f"hessian of batch 0 from the pool:\n{np.round(curvature, 4)}")

    # What pickle cannot find by name cannot be sent: a lambda, a nested function.
    square = lambda v: np.sum(v * v)  # noqa: E731
    try:
        pickle.dumps(astgrad.grad(square))
    except pickle.PicklingError as error:
        print(f"a gradient of a lambda is refused: PicklingError: {error}")


if __name__ == "__main__":
    main()
