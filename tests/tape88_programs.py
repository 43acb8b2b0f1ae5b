"""Random second- and third-order tape programs with an in-place change (tests/test_tape88.py).

A program is an expression over two leaves ``a`` and ``v`` (products, quotients, sums,
differences, exp, log, sin, a sum over the first axis kept for broadcasting), with ``v``
of the same shape as ``a`` or broadcast along its rows; it takes two or three gradients
in turn, each of the sum of the one before, with respect to ``a`` or ``v``
(``create_graph=True`` but for the last), and doubles half again ``a``, ``v`` or the
first intermediate in place under ``no_grad()`` before one of them. ``run`` gives its
outcome, the same for PyTorch and astgrad: ("ok", gradient), ("inplace", the gradient
refused: "modified by an inplace operation"), or ("other", step, message) for another
refusal (an input the gradient does not use)."""

import random

import numpy as np

import astgrad

__all__ = ["program", "run", "describe"]

_UNARY = ["exp", "log", "sin", "sum0"]
_BINARY = ["*", "/", "+", "-"]
_SHAPES = {"same": ((2, 3), (2, 3)), "broadcast": ((2, 3), (3,))}


def _expression(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(["a", "v"])
    if rng.random() < 0.3:
        return (rng.choice(_UNARY), _expression(rng, depth - 1))
    return (rng.choice(_BINARY), _expression(rng, depth - 1), _expression(rng, depth - 1))


def describe(p):
    """The program in words, for a failing test's message."""
    def show(e):
        if isinstance(e, str):
            return e
        if len(e) == 2:
            return f"{e[0]}({show(e[1])})"
        return f"({show(e[1])} {e[0]} {show(e[2])})"
    return (f"{show(p['expr'])}, gradients to {' then '.join(p['wrt'])}, {p['shape']} shapes, "
            f"{p['target']} changed before gradient {p['when'] + 1}")


def program(seed):
    """The program of ``seed``."""
    rng = random.Random(seed)
    expr = _expression(rng, 3)
    order = rng.choice([2, 3])
    wrt = "".join(rng.choice("av") for _ in range(order))
    shape = rng.choice(["same", "broadcast"])
    target = rng.choice(["a", "v", "inner"])
    return {"expr": expr, "wrt": wrt, "shape": shape, "target": target, "when": rng.randrange(order), "seed": seed}


def _build(e, env, made):
    if isinstance(e, str):
        return env[e]
    if len(e) == 2:
        x = _build(e[1], env, made)
        op = e[0]
        r = x.exp() if op == "exp" else (x * x + 1).log() if op == "log" else x.sin() if op == "sin" else \
            x.sum(0, keepdim=True)
    else:
        x, y = _build(e[1], env, made), _build(e[2], env, made)
        op = e[0]
        r = x * y if op == "*" else x / (y * y + 1) if op == "/" else x + y if op == "+" else x - y
    made.append(r)
    return r


def run(lib, p):
    """The outcome of program ``p`` in ``lib`` (the module ``torch`` or ``astgrad``), or
    None for a program of a leaf alone."""
    rng = np.random.RandomState(p["seed"])
    shape_a, shape_v = _SHAPES[p["shape"]]
    data = {"a": rng.uniform(0.2, 1.2, shape_a), "v": rng.uniform(0.2, 1.2, shape_v)}
    if lib is astgrad:
        env = {k: astgrad.tensor(d, requires_grad=True) for k, d in data.items()}
    else:
        env = {k: lib.tensor(d, dtype=lib.float64, requires_grad=True) for k, d in data.items()}
    made = []
    out = _build(p["expr"], env, made)
    if not made:
        return None
    target = made[0] if p["target"] == "inner" else env[p["target"]]
    step = 0
    try:
        for step, w in enumerate(p["wrt"]):
            if step == p["when"]:
                with lib.no_grad():
                    target.mul_(1.5)
            out, = lib.autograd.grad(out.sum(), env[w], create_graph=step < len(p["wrt"]) - 1)
    except RuntimeError as error:
        message = str(error)
        if "modified by an inplace operation" in message:
            return ("inplace", step)
        return ("other", step, message.split(".")[0])
    return ("ok", np.asarray(out.detach().numpy()))
