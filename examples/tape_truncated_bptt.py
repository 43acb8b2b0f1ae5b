"""Truncated backpropagation through time on the tape, written as PyTorch code is.

A hidden state is carried through a recurrence in windows of a few steps. After each
window's backward, ``h.detach_()`` cuts the hidden state in place, as PyTorch's does: the
next window takes it as a constant, so each window's gradient stops at the window's
start, while ``w.grad`` adds up the windows' gradients. The sum is checked against
central finite differences of the same recurrence written in NumPy, with the hidden
state held fixed at each window's start. Run from the repository root:
python examples/tape_truncated_bptt.py
"""

import numpy as np

import astgrad

rng = np.random.default_rng(0)
W0 = 0.5 * rng.normal(size=(3, 3))
XS = rng.normal(size=(6, 3))
WINDOW = 2


def windows_loss(w_value, starts):
    """The NumPy recurrence: each window starts from its hidden state in ``starts``."""
    total = 0.0
    for k, h in enumerate(starts):
        for x in XS[k * WINDOW:(k + 1) * WINDOW]:
            h = np.tanh(w_value @ h + x)
            total = total + np.sum(h * h)
    return total


# the tape, as in PyTorch: backward per window, then detach_ the carried state
w = astgrad.tensor(W0, requires_grad=True)
h = astgrad.zeros(3)
starts = []
for k in range(len(XS) // WINDOW):
    starts.append(h.detach().numpy().copy())
    loss = 0.0
    for x in XS[k * WINDOW:(k + 1) * WINDOW]:
        h = astgrad.tanh(w @ h + astgrad.tensor(x))
        loss = loss + (h * h).sum()
    loss.backward()
    h.detach_()
print("h is a leaf after detach_():", h.is_leaf and not h.requires_grad)

step = 1e-6
numerical = np.zeros_like(W0)
for index in np.ndindex(W0.shape):
    up, down = W0.copy(), W0.copy()
    up[index] += step
    down[index] -= step
    numerical[index] = (windows_loss(up, starts) - windows_loss(down, starts)) / (2 * step)
print("w.grad matches finite differences: %s" % np.allclose(w.grad.numpy(), numerical, rtol=1e-6, atol=1e-8))
