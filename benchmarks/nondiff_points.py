"""What astgrad, JAX, autograd and PyTorch return at points where a function has no
derivative (abs at 0, a tie in max, a clip at its bound, ...).

Prints the Markdown table of docs/non-differentiable.md; tests/test_doc_snippets.py
checks that the page holds this table when all three peers are installed. Run:

    PYTHONPATH=src python benchmarks/nondiff_points.py
"""

import warnings

import numpy as np

import astgrad

# (label, point, astgrad's function): each is differentiated at the point, where its
# derivative is undefined (or a subgradient must be chosen).
POINTS = [
    ("`abs(x)` at 0", 0.0, lambda x: np.abs(x)),
    ("`maximum(x, 0)` (relu) at 0", 0.0, lambda x: np.maximum(x, 0.0)),
    ("`maximum(x, y)` at x = y = 1, d/dx", 1.0, lambda x: np.maximum(x, 1.0)),
    ("`max(x)` of [1, 1]", np.array([1.0, 1.0]), lambda x: np.max(x)),
    ("`clip(x, 0, 1)` at 0", 0.0, lambda x: np.clip(x, 0.0, 1.0)),
    ("`clip(x, 0, 1)` at 1", 1.0, lambda x: np.clip(x, 0.0, 1.0)),
    ("`sqrt(x)` at 0", 0.0, lambda x: np.sqrt(x)),
    ("`norm(x)` at [0, 0]", np.array([0.0, 0.0]), lambda x: np.linalg.norm(x)),
    ("`sign(x)` at 0", 0.0, lambda x: np.sign(x)),
    ("`floor(x)` at 1", 1.0, lambda x: np.floor(x)),
    ("`where(x > 0, x, 0)` at 0", 0.0, lambda x: np.where(x > 0, x, 0.0)),
    ("`sqrt(x * x)` at 0", 0.0, lambda x: np.sqrt(x * x)),
]


def show(value):
    value = np.asarray(value, dtype=float)
    if value.ndim == 0:
        return f"{float(value):g}"
    return "[" + ", ".join(f"{float(v):g}" for v in value) + "]"


def attempt(fn, *args):
    try:
        return show(fn(*args))
    except Exception as error:  # noqa: BLE001 - any failure is reported in the table
        return f"error ({type(error).__name__})"


def astgrad_values():
    return [attempt(astgrad.grad(fn), np.asarray(point) if np.ndim(point) else point)
            for _, point, fn in POINTS]


def _jax_functions(jnp):
    return [jnp.abs, lambda x: jnp.maximum(x, 0.0), lambda x: jnp.maximum(x, 1.0), jnp.max,
            lambda x: jnp.clip(x, 0.0, 1.0), lambda x: jnp.clip(x, 0.0, 1.0), jnp.sqrt,
            jnp.linalg.norm, jnp.sign, jnp.floor, lambda x: jnp.where(x > 0, x, 0.0),
            lambda x: jnp.sqrt(x * x)]


def jax_values():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    return [attempt(jax.grad(fn), jnp.asarray(point)) for fn, (_, point, _) in zip(_jax_functions(jnp), POINTS)]


def autograd_values():
    import autograd
    import autograd.numpy as anp
    functions = [anp.abs, lambda x: anp.maximum(x, 0.0), lambda x: anp.maximum(x, 1.0), anp.max,
                 lambda x: anp.clip(x, 0.0, 1.0), lambda x: anp.clip(x, 0.0, 1.0), anp.sqrt,
                 anp.linalg.norm, anp.sign, anp.floor, lambda x: anp.where(x > 0, x, 0.0),
                 lambda x: anp.sqrt(x * x)]
    return [attempt(autograd.grad(fn), np.asarray(point, dtype=float))
            for fn, (_, point, _) in zip(functions, POINTS)]


def torch_values():
    import torch
    zero, one = torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64)
    functions = [torch.abs, torch.relu, lambda x: torch.maximum(x, one), torch.max,
                 lambda x: torch.clamp(x, 0.0, 1.0), lambda x: torch.clamp(x, 0.0, 1.0), torch.sqrt,
                 torch.linalg.norm, torch.sign, torch.floor, lambda x: torch.where(x > 0, x, zero),
                 lambda x: torch.sqrt(x * x)]

    def grad(fn):
        def derivative(point):
            x = torch.tensor(point, dtype=torch.float64, requires_grad=True)
            return torch.autograd.grad(fn(x), x)[0].detach().numpy()
        return derivative
    return [attempt(grad(fn), point) for fn, (_, point, _) in zip(functions, POINTS)]


def table():
    columns = [astgrad_values(), jax_values(), autograd_values(), torch_values()]
    lines = ["| function and point | astgrad | JAX | autograd | PyTorch |", "|---|---|---|---|---|"]
    for row, (label, _, _) in enumerate(POINTS):
        lines.append(f"| {label} | " + " | ".join(column[row] for column in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    warnings.simplefilter("ignore")   # the peers warn about the divisions by zero they do
    print(table())
