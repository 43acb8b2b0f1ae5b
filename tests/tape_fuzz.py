"""Random programs of tensor operations, views, in-place updates, ``detach``,
``requires_grad_``, ``no_grad`` and repeated / higher-order gradients, run under one
library (astgrad or PyTorch) and described as plain values, so that
tests/test_tape_fuzz.py can run each on both and compare what they did.

A program is a list of steps, each a tuple of small integers that ``run`` reads as an
operation and its operands (taken modulo the pool of tensors made so far), so any list
of integer tuples is a valid program: hypothesis draws and shrinks them freely.
"""

import numpy as np

SHAPE = (2, 3)
N_KINDS = 26


def _data(seed):
    return np.random.default_rng(seed).uniform(0.5, 1.5, SHAPE)


class Run:
    """One program under one library: the pool of tensors and the log of what happened."""

    def __init__(self, lib, seed):
        self.lib = lib
        self.leaves = [lib.tensor(_data(seed), requires_grad=True),
                       lib.tensor(_data(seed + 1), requires_grad=True)]
        self.pool = list(self.leaves) + [lib.tensor(_data(seed + 2))]
        self.log = []
        self.graphs = False     # whether a gradient was taken with create_graph=True

    def pick(self, i, like=None):
        """The pool's tensor ``i`` (modulo its size); with ``like``, one whose shape
        broadcasts to ``like``'s (else ``like`` itself)."""
        pool = self.pool
        if like is None:
            return pool[i % len(pool)]
        fits = [t for t in pool if _broadcasts(tuple(t.shape), tuple(like.shape))]
        return fits[i % len(fits)] if fits else like

    def add(self, t):
        self.pool.append(t)
        self.log.append(("made", _describe(t)))


def _broadcasts(small, big):
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(small[::-1], big[::-1]))


def _describe(t):
    return (tuple(t.shape), bool(t.requires_grad), t.grad_fn is None)


def _values(t):
    return np.array(t.detach().clone().numpy(), dtype=float, copy=True)    # (PyTorch's zero tensors)


def _view(run, t, c):
    """A view of ``t`` of a kind chosen by ``c``."""
    shape = tuple(t.shape)
    if not shape:
        return t.view(1)
    kinds = [lambda: t[c % shape[0]], lambda: t[1:] if shape[0] > 1 else t[:1],
             lambda: t.reshape(-1), lambda: t.T if len(shape) == 2 else t.unsqueeze(0),
             lambda: t[..., c % shape[-1]], lambda: t.detach(), lambda: t.unsqueeze(0)[0],
             lambda: t.view(-1)[::2], lambda: t.flatten(), lambda: t.squeeze()]
    if len(shape) == 2:
        kinds.append(lambda: t[c % shape[0], (c // 2) % shape[1]])
    return kinds[c % len(kinds)]()


def _unary(lib, t, c):
    ops = [lambda: t.sin(), lambda: t.exp(), lambda: t.tanh(), lambda: t * t, lambda: t.abs(),
           lambda: t.sigmoid(), lambda: t.softmax(-1) if t.dim() else t * 1.0, lambda: t.max(),
           lambda: t.prod(), lambda: t.pow(t) if t.dim() == 0 else t.norm(),
           lambda: t.relu(), lambda: t.sum(), lambda: t.sum(0) if t.dim() else t * 2.0,
           lambda: (t * t + 1.0).sqrt(), lambda: (t.abs() + 1.0).log(), lambda: t.cos(),
           lambda: t * 3.0, lambda: t + 1.0, lambda: -t, lambda: t.clamp(0.6, 1.2),
           lambda: t ** 3, lambda: t.mean()]
    return ops[c % len(ops)]()


def _binary(t, u, c):
    ops = [lambda: t + u, lambda: t - u, lambda: t * u, lambda: t / (u * u + 1.0),
           lambda: u * t, lambda: (u * u + 1.0) / t.abs().clamp(0.5)]
    return ops[c % len(ops)]()


def _inplace(lib, run, t, u, c):
    """An in-place update of ``t`` (``u``: a tensor that broadcasts to it)."""
    ops = [lambda: t.add_(u), lambda: t.mul_(u), lambda: t.sub_(0.5), lambda: t.mul_(2.0),
           lambda: t.zero_(), lambda: t.copy_(u), lambda: t.clamp_(0.7, 1.3), lambda: t.div_(2.0),
           lambda: t.__iadd__(u), lambda: t.__imul__(u), lambda: t.fill_(0.25)]
    if t.dim():
        i = c % t.shape[0]
        ops += [lambda: t.__setitem__(i, 0.5), lambda: t.__setitem__(i, u[0] if u.dim() == t.dim() else u),
                lambda: _iadd_item(t, i, 1.0), lambda: t.__setitem__(t > 1.0, 0.0),
                lambda: t.__setitem__(lib.tensor([0, 0]) if t.shape[0] else 0, u[0] if u.dim() == t.dim() else u)]
    ops[c % len(ops)]()


def _iadd_item(t, i, e):
    t[i] += e


def step(run, kind, a, b, c):
    """Run one step: ``kind`` chooses the operation, ``a``, ``b``, ``c`` the operands."""
    lib = run.lib
    kind %= N_KINDS
    t = run.pick(a)
    if kind < 6:
        run.add(_unary(lib, t, c))
    elif kind < 10:
        run.add(_binary(t, run.pick(b, like=t), c))
    elif kind < 14:
        run.add(_view(run, t, c))
    elif kind < 18:
        _inplace(lib, run, t, run.pick(b, like=t), c)
        run.log.append(("updated", _describe(t)))
    elif kind < 20:
        with lib.no_grad():
            _inplace(lib, run, t, run.pick(b, like=t), c)
        run.log.append(("updated", _describe(t)))
    elif kind == 20:
        leaf = t.detach().clone().requires_grad_()     # a new leaf (that has no views yet)
        if c % 2:
            run.leaves.append(leaf)
        else:
            leaf.requires_grad_(False)
        run.add(leaf)
    elif kind == 21:
        run.add(t.detach().mul_(1.5) if c % 2 else t.data)
    elif kind < 24:
        gradient(run, t, c, retain=kind == 22)
    else:
        accumulate(run, t, c, retain=kind == 24)


def gradient(run, t, c, retain=False):
    """The gradient of ``t``'s sum with respect to the leaves (first order, or with
    ``create_graph=True`` and the gradient of its squared norm, by ``c``), logged."""
    lib = run.lib
    if not t.requires_grad:
        run.log.append(("no grad", None))
        return
    leaves = [w for w in run.leaves if w.requires_grad]
    if not leaves:
        return
    loss = t.sum()
    grads = lib.autograd.grad(loss, leaves, allow_unused=True, materialize_grads=True,
                              retain_graph=True, create_graph=bool(c % 2))
    run.graphs = run.graphs or bool(c % 2)
    run.log.append(("grad", [_values(g) for g in grads]))
    if c % 4 == 3:      # gradients with history join the pool: later steps build on them
        for g in grads:
            if g.requires_grad:
                run.add(g)
    if c % 2:
        second = sum(((g * g).sum() for g in grads if g.requires_grad), start=lib.tensor(0.0))
        if second.requires_grad:
            grads = lib.autograd.grad(second, leaves, allow_unused=True, materialize_grads=True,
                                      retain_graph=True)
            run.log.append(("grad2", [_values(g) for g in grads]))
    if retain:
        grads = lib.autograd.grad(loss, leaves, allow_unused=True, materialize_grads=True,
                                  retain_graph=True)
        run.log.append(("again", [_values(g) for g in grads]))


def accumulate(run, t, c, retain=False):
    """``t.sum().backward()`` (``retain``: after ``t.retain_grad()``; with
    ``create_graph=True`` by ``c``), logging the ``.grad`` of the leaves and of the
    retained tensors, and whether each is the tensor it was before (accumulated in place)
    or a new one."""
    if not t.requires_grad:
        run.log.append(("no grad", None))
        return
    if retain and not t.is_leaf:
        t.retain_grad()
    # a gradient taken with create_graph=True is recorded over the leaves, not through the
    # intermediate tensors (docs/tape.md): a retained one's .grad then differs from PyTorch's
    watched = [w for w in run.pool if w.requires_grad and (w.is_leaf or (w.retains_grad and not run.graphs))]
    before = [w.grad for w in watched]
    t.sum().backward(retain_graph=True, create_graph=bool(c % 2))
    run.graphs = run.graphs or bool(c % 2)
    run.log.append(("accumulated", [(_values(w.grad) if w.grad is not None else None, w.grad is b)
                                    for w, b in zip(watched, before)]))


def run_program(lib, steps, seed=0):
    """The log of running ``steps`` under ``lib``: what each step made, the gradients,
    the values of the pool at the end, and the error that stopped it (type, message)."""
    run = Run(lib, seed)
    error = None
    for kind, a, b, c in steps:
        try:
            step(run, kind, a, b, c)
        except Exception as e:      # noqa: BLE001 - an error is part of what the program did
            error = _error(e)
            break
    if error is None:
        t = run.pool[-1]
        try:
            gradient(run, t, 0)
        except Exception as e:      # noqa: BLE001
            error = _error(e)
    run.log.append(("pool", [_values(t) for t in run.pool]))
    return run.log, error


def _error(e):
    """The error as (type name, message), PyTorch's names read as astgrad's."""
    return type(e).__name__, str(e).replace("torch.", "astgrad.").replace("torch::", "astgrad::")
