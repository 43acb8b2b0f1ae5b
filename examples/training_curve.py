"""Train a small neural network with astgrad's gradients and plot its training loss.

A two-layer network (parameters in a dict) learns to separate two interleaved spirals,
by plain gradient descent with momentum; the loss curve is drawn with matplotlib
(`pip install "astgrad[plot]"`).

    python examples/training_curve.py [--out DIR] [--steps N]   # writes DIR/training_curve.png
"""

import argparse
import pathlib

import numpy as np

import astgrad


def spirals(n=200, seed=0):
    """Two interleaved spirals in the plane, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.random(n)) * 3.0 * np.pi
    label = rng.integers(0, 2, n)
    sign = 2.0 * label - 1.0
    points = np.stack([sign * t * np.cos(t), sign * t * np.sin(t)], axis=1) / 10.0
    return points + 0.03 * rng.normal(size=points.shape), label.astype(float)


def loss(params, x, y):
    """Mean logistic loss of a 2-32-1 tanh network."""
    hidden = np.tanh(x @ params["W1"] + params["b1"])
    z = hidden @ params["w2"] + params["b2"]
    return np.mean(np.logaddexp(0.0, z) - y * z)


def train(steps, rate=0.5, momentum=0.9, seed=1):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(2, 32)), "b1": np.zeros(32),
              "w2": rng.normal(size=32) / np.sqrt(32), "b2": 0.0}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    value_and_grad = astgrad.value_and_grad(loss)
    x, y = spirals()
    history = []
    for _ in range(steps):
        value, grads = value_and_grad(params, x, y)
        history.append(float(value))
        velocity = {k: momentum * velocity[k] - rate * grads[k] for k in params}
        params = {k: params[k] + velocity[k] for k in params}
    accuracy = np.mean(((np.tanh(x @ params["W1"] + params["b1"]) @ params["w2"] + params["b2"]) > 0) == y)
    return history, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "docs" / "images"))
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    history, accuracy = train(args.steps)
    print(f"step    0  loss {history[0]:.4f}")
    print(f"step {len(history) - 1:4d}  loss {history[-1]:.4f}  training accuracy {accuracy:.0%}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(history, linewidth=1.4)
    ax.set(yscale="log", xlabel="step", ylabel="training loss (log scale)",
           title="A 2-32-1 network on two spirals, trained with astgrad's gradients")
    ax.grid(True, which="both", color="0.9")
    fig.tight_layout()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "training_curve.png", dpi=100)
    print(f"wrote {out / 'training_curve.png'}")


if __name__ == "__main__":
    main()
