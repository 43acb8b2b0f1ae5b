"""Random higher-order tape programs with an in-place change, a wider mix than
tests/tape88_programs.py (tests/test_tape89.py).

A program is an expression over two or three leaves ``a`` (3 x 3), ``v`` (3 x 3 or 3)
and ``w`` (3): products, quotients, sums, differences, exp, log, sin, a sum over the
first axis kept for broadcasting, and views: a transpose ``x.T`` and a row ``x[0]``.
It takes one to three gradients in turn, each of the sum of the one before (of the
sum of both where it is taken with respect to two leaves), ``create_graph=True`` but
for the last; some pass ``allow_unused=True``. Before one of them (or after all) it
multiplies in place, under ``no_grad()``, a leaf, the first intermediate, or a view of
one of them (``a[0]``, ``t.T``). Some take every gradient with ``retain_graph=True``
and at the end take again the gradient of the first output with respect to ``a``.
``run`` gives its outcome, to be the same for PyTorch and astgrad: ("ok", the last
gradients and the reused one, as arrays; None for an unused input), ("inplace", step)
for "modified by an inplace operation", or ("other", step, the message's first
sentence) for another refusal."""

import random

import numpy as np

import astgrad

__all__ = ["program", "run", "describe"]

_UNARY = ["exp", "log", "sin", "sum0", "T", "row0"]
_BINARY = ["*", "/", "+", "-"]
_SHAPES = {"same": {"a": (3, 3), "v": (3, 3), "w": (3,)}, "broadcast": {"a": (3, 3), "v": (3,), "w": (3,)}}
_TARGETS = ["a", "v", "w", "inner", "a[0]", "inner.T"]


def _expression(rng, depth, leaves):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(leaves)
    if rng.random() < 0.35:
        return (rng.choice(_UNARY), _expression(rng, depth - 1, leaves))
    return (rng.choice(_BINARY), _expression(rng, depth - 1, leaves), _expression(rng, depth - 1, leaves))


def describe(p):
    """The program in words, for a failing test's message."""
    def show(e):
        if isinstance(e, str):
            return e
        if len(e) == 2:
            return f"{show(e[1])}.T" if e[0] == "T" else f"{show(e[1])}[0]" if e[0] == "row0" else \
                f"{e[0]}({show(e[1])})"
        return f"({show(e[1])} {e[0]} {show(e[2])})"
    steps = " then ".join("+".join(w) for w in p["wrt"])
    return (f"{show(p['expr'])}, gradients to {steps}{', allow_unused' if p['unused'] else ''}, "
            f"{p['shape']} shapes, {p['target']} changed before gradient {p['when'] + 1}"
            f"{', the first gradient taken again' if p['retain'] else ''}")


def program(seed):
    """The program of ``seed``."""
    rng = random.Random(seed)
    leaves = rng.choice(["av", "avw"])
    expr = _expression(rng, 3, leaves)
    order = rng.choice([1, 2, 2, 3, 3])
    wrt = [rng.choice(leaves) if rng.random() < 0.75 else "".join(rng.sample(leaves, 2)) for _ in range(order)]
    targets = [t for t in _TARGETS if t != "w" or "w" in leaves]
    return {"expr": expr, "wrt": wrt, "shape": rng.choice(["same", "broadcast"]), "target": rng.choice(targets),
            "when": rng.randrange(order + 1), "unused": rng.random() < 0.3, "retain": rng.random() < 0.3,
            "leaves": leaves, "seed": seed}


def _build(e, env, made):
    if isinstance(e, str):
        return env[e]
    if len(e) == 2:
        x = _build(e[1], env, made)
        op = e[0]
        r = x.exp() if op == "exp" else (x * x + 1).log() if op == "log" else x.sin() if op == "sin" else \
            x.sum(0, keepdim=True) if op == "sum0" else (x.T if x.dim() == 2 else x * 1.0) if op == "T" else (x[0] if x.dim() else x * 1.0)
    else:
        x, y = _build(e[1], env, made), _build(e[2], env, made)
        op = e[0]
        r = x * y if op == "*" else x / (y * y + 1) if op == "/" else x + y if op == "+" else x - y
    made.append(r)
    return r


def _target(p, env, made):
    name = p["target"]
    if name in ("inner", "inner.T"):
        t = made[0]
        return t.T if name == "inner.T" and t.dim() == 2 else t
    return env["a"][0] if name == "a[0]" else env[name]


def _values(gradients):
    return [None if g is None else np.asarray(g.detach().numpy()).copy() for g in gradients]


def run(lib, p):
    """The outcome of program ``p`` in ``lib`` (the module ``torch`` or ``astgrad``), or
    None for a program of a leaf alone."""
    rng = np.random.RandomState(p["seed"])
    data = {k: rng.uniform(0.2, 1.2, _SHAPES[p["shape"]][k]) for k in p["leaves"]}
    if lib is astgrad:
        env = {k: astgrad.tensor(d, requires_grad=True) for k, d in data.items()}
    else:
        env = {k: lib.tensor(d, dtype=lib.float64, requires_grad=True) for k, d in data.items()}
    made = []
    first = out = _build(p["expr"], env, made).sum()
    if not made:
        return None
    target = _target(p, env, made)
    step, last = 0, len(p["wrt"]) - 1
    try:
        for step, w in enumerate(p["wrt"]):
            if step == p["when"]:
                with lib.no_grad():
                    target.mul_(1.5)
            grads = lib.autograd.grad(out, [env[x] for x in w], create_graph=step < last,
                                      retain_graph=True if p["retain"] else None,
                                      allow_unused=p["unused"])
            used = [g for g in grads if g is not None]
            if not used:
                return ("none", step)
            if step == last:
                out = grads
                break
            out = used[0].sum()
            for g in used[1:]:
                out = out + g.sum()
        step += 1
        if p["when"] == step:
            with lib.no_grad():
                target.mul_(1.5)
        again = lib.autograd.grad(first, env["a"], allow_unused=p["unused"]) if p["retain"] else ()
    except RuntimeError as error:
        message = str(error)
        if "modified by an inplace operation" in message:
            return ("inplace", step)
        return ("other", step, message.split(".")[0])
    return ("ok", _values(out) + _values(again))
