"""The benchmark workloads: a plain NumPy primal and a hand-written gradient for each.

astgrad reads source, so every function astgrad differentiates is a module-level
``def`` here. The hand-written gradients are what a careful person writes: one
forward pass that keeps what the backward pass needs, then the chain rule by hand.
``benchmarks/peers.py`` holds the same workloads for autograd, PyTorch and JAX.
"""

import math

import numpy as np

# -- shapes (issue 6) --------------------------------------------------------------------

SCALAR_STEPS = 200
MLP_N, MLP_IN, MLP_HIDDEN, MLP_OUT = 256, 64, 128, 10
LOGREG_N, LOGREG_D = 1000, 50
RNN_T, RNN_H, RNN_IN = 50, 32, 8
ELEMENTWISE_N = 10 ** 6


# -- 1. scalar loop ----------------------------------------------------------------------

def scalar_loop(x):
    """s += sin(x*i) * x / (1+i) for i < 200, on a Python float.

    math.sin, not np.sin: astgrad has rules for both, and on a Python float math.sin
    is the fast one (np.sin of a float goes through a 0-d array). autograd, torch and
    JAX use their own sin in benchmarks/peers.py, as their users must."""
    s = 0.0
    for i in range(200):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def scalar_loop_grad(x):
    """d/dx sum_i sin(x i) x / (1+i) = sum_i (cos(x i) i x + sin(x i)) / (1+i)."""
    g = 0.0
    for i in range(200):
        xi = x * i
        g += (math.cos(xi) * i * x + math.sin(xi)) / (1 + i)
    return g


# -- 2. MLP ------------------------------------------------------------------------------

def mlp_loss(W1, b1, W2, b2, X, Y):
    """tanh hidden layer, linear output, mean squared error."""
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    diff = out - Y
    return np.mean(diff ** 2)


def mlp_grad(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    diff = h @ W2 + b2 - Y
    d_out = diff * (2.0 / diff.size)
    d_W2 = h.T @ d_out
    d_b2 = d_out.sum(axis=0)
    d_z = (d_out @ W2.T) * (1.0 - h * h)
    d_W1 = X.T @ d_z
    d_b1 = d_z.sum(axis=0)
    return d_W1, d_b1, d_W2, d_b2


def mlp_hvp(W1, b1, W2, b2, X, Y, V):
    """Hessian of the MLP loss w.r.t. W1 times V, by Pearlmutter's R-operator.

    R{.} is the directional derivative along W1 -> W1 + eps V; applying it to
    every line of mlp_grad's W1 branch gives H V exactly (no finite differences).
    """
    h = np.tanh(X @ W1 + b1)
    diff = h @ W2 + b2 - Y
    scale = 2.0 / diff.size
    d_out = diff * scale
    s = 1.0 - h * h                      # tanh'
    R_h = s * (X @ V)                    # R{h}
    R_out = R_h @ W2                     # R{diff} = R{out}
    d_h = d_out @ W2.T
    R_d_h = (R_out * scale) @ W2.T       # R{d_h}
    R_d_z = R_d_h * s - 2.0 * d_h * h * R_h   # R{d_h * (1 - h^2)}
    return X.T @ R_d_z


# -- 3. logistic regression --------------------------------------------------------------

def logreg_loss(w, X, y):
    """Mean log-loss of labels y in {0, 1}: mean(log(1 + exp(z)) - y z), z = X w."""
    z = X @ w
    return np.mean(np.log1p(np.exp(z)) - y * z)


def logreg_grad(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    return X.T @ (p - y) / y.shape[0]


# -- 4. RNN (BPTT) -----------------------------------------------------------------------

def rnn_loss(Wx, Wh, xs):
    """h_t = tanh(Wx x_t + Wh h_{t-1}), h_0 = 0; loss = sum_t sum(h_t^2)."""
    h = np.zeros(Wh.shape[0])
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wx @ xs[t] + Wh @ h)
        loss = loss + np.sum(h * h)
    return loss


def rnn_grad(Wx, Wh, xs):
    """Hand-written BPTT: keep every h_t (T x H), then run the chain rule backwards."""
    T, H = xs.shape[0], Wh.shape[0]
    hs = np.zeros((T + 1, H))
    for t in range(T):
        hs[t + 1] = np.tanh(Wx @ xs[t] + Wh @ hs[t])
    d_Wx = np.zeros_like(Wx)
    d_Wh = np.zeros_like(Wh)
    d_h = np.zeros(H)
    for t in range(T - 1, -1, -1):
        h = hs[t + 1]
        d_a = (d_h + 2.0 * h) * (1.0 - h * h)
        d_Wx += np.outer(d_a, xs[t])
        d_Wh += np.outer(d_a, hs[t])
        d_h = Wh.T @ d_a
    return d_Wx, d_Wh


# -- 5. elementwise ----------------------------------------------------------------------

def elementwise(x):
    return np.sum(np.sin(x) ** 2 * np.exp(-x))


def elementwise_grad(x):
    s = np.sin(x)
    e = np.exp(-x)
    return (2.0 * np.cos(x) - s) * s * e


# -- inputs ------------------------------------------------------------------------------

def make_inputs(seed=0):
    """Deterministic inputs for every workload: {name: args tuple}."""
    rng = np.random.default_rng(seed)
    mlp = (rng.normal(scale=0.1, size=(MLP_IN, MLP_HIDDEN)), rng.normal(scale=0.1, size=MLP_HIDDEN),
           rng.normal(scale=0.1, size=(MLP_HIDDEN, MLP_OUT)), rng.normal(scale=0.1, size=MLP_OUT),
           rng.normal(size=(MLP_N, MLP_IN)), rng.normal(size=(MLP_N, MLP_OUT)))
    logreg = (rng.normal(scale=0.1, size=LOGREG_D), rng.normal(size=(LOGREG_N, LOGREG_D)),
              (rng.random(LOGREG_N) < 0.5).astype(np.float64))
    rnn = (rng.normal(scale=0.3, size=(RNN_H, RNN_IN)), rng.normal(scale=0.3, size=(RNN_H, RNN_H)),
           rng.normal(size=(RNN_T, RNN_IN)))
    return {
        "scalar": (0.7,),
        "mlp": mlp,
        "logreg": logreg,
        "rnn": rnn,
        "elementwise": (rng.normal(size=ELEMENTWISE_N),),
        "hvp": mlp + (rng.normal(size=(MLP_IN, MLP_HIDDEN)),),
    }
