"""The sixty-sixth hunt's programs: small models and solvers as an outsider writes them
for real work (a two-layer network with softmax cross-entropy and an L2 penalty, logistic
regression with ``np.logaddexp``, an LSTM cell over a Python list of inputs, a heat step
on slices, an interpolation by ``np.searchsorted``, a Verlet integrator, Adam, a
tridiagonal solver), written with in-place ``+=``, ``-=``, ``*=`` on slices and views,
reductions with ``axis=``/``keepdims=``, a product through a zero, index helpers
(``np.triu_indices``, ``np.ix_``), closures whose variable is rebound, a helper rebinding
a global during the call, aliases written in a loop (a...); what the hunt found, a copy
made by a list or a mask as the index, written (b...); a global dict and a helper rebound
between calls (g...); and a form that is refused, naming its line (k...). Each program
is (name, f, args, wrt)."""

import numpy as np

_RNG = np.random.default_rng(3)
X = _RNG.standard_normal((4, 3))
LABELS = np.array([0, 2, 1, 2])
W1 = _RNG.standard_normal((3, 5)) * 0.5
W2 = _RNG.standard_normal((5, 3)) * 0.5
A33 = np.array([[1.0, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.5, 0.2, 1.2]])
V4 = np.array([0.7, -1.3, 0.4, 2.1])
V5 = np.array([0.7, -1.3, 0.4, 2.1, -0.6])
LAM = 0.01
K = 1.5
CFG = {"alpha": 0.3, "steps": 2}


# ---- A: programs as people write them, each right in every mode
def a_mlp_xent(W1, W2):
    h = np.maximum(X @ W1, 0)
    z = h @ W2
    z -= z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(len(LABELS)), LABELS].mean()
    loss += LAM * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    return loss


def a_logreg(w, b):
    z = X @ w + b
    s = np.where(LABELS > 0, 1.0, -1.0)
    return np.mean(np.logaddexp(0.0, -s * z))


def a_lstm_list(Wf, Wc):
    h = np.zeros(3)
    c = np.zeros(3)
    hs = []
    for x in list(X):
        f = 1 / (1 + np.exp(-(Wf @ x)))
        c = f * c + (1 - f) * np.tanh(Wc @ x + h)
        h = np.tanh(c)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H[-1]) + 0.1 * np.sum(H)


def a_heat_slices(u, k):
    u = u.copy()
    for _ in range(3):
        lap = u[:-2] - 2 * u[1:-1] + u[2:]
        u[1:-1] += k * lap
    return np.sum(u ** 3)


def a_interp_search(fp, x):
    xp = np.linspace(0.0, 3.0, len(fp))
    q = np.array([0.3, 1.1, 2.5]) * x
    i = np.clip(np.searchsorted(xp, q) - 1, 0, len(xp) - 2)
    t = (q - np.take(xp, i)) / (np.take(xp, i + 1) - np.take(xp, i))
    return np.sum((1 - t) * np.take(fp, i) + t * np.take(fp, i + 1))


def a_verlet(x, v):
    x = x.copy()
    v = v.copy()
    dt = 0.1
    a = -x
    for _ in range(4):
        x += v * dt + 0.5 * a * dt ** 2
        a_new = -x - 0.1 * x ** 3
        v += 0.5 * (a + a_new) * dt
        a = a_new
    return np.sum(x ** 2) + np.sum(v ** 2)


def a_slice_scale(a, s):
    a = a.copy()
    a[:, 0] *= s
    a[1:, :] -= 0.5 * a[:-1, :]
    return np.sum(a ** 2)


def a_view_add(a, s):
    a = a * 1.0
    v = a[1:]
    v += s * a[:-1]
    return np.sum(a * a)


def a_prod_zero(x, w):
    y = x.copy()
    y[1] = 0.0
    return np.prod(y * w) + np.prod(x * y)


def a_triu_ix(A, w):
    B = A.copy()
    iu = np.triu_indices(3, 1)
    B[iu] += w
    B[np.ix_([0, 2], [1, 2])] *= w
    return np.sum(np.tril(B) ** 2) + np.sum(B[iu] ** 3)


def a_adam(P0, w):
    m = np.zeros_like(P0)
    s = np.zeros_like(P0)
    P = P0.copy()
    for t in range(1, 3):
        g = P * w + 0.1 * P ** 3
        m = 0.9 * m + 0.1 * g
        s = 0.99 * s + 0.01 * g ** 2
        P -= 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.99 ** t)) + 1e-8)
    return np.sum(P ** 2)


def _set_k(v):
    global K
    K = v


def a_global_changed_inside(x, w):
    a = np.sum(x * K)
    _set_k(2.5)
    b = np.sum(x * K) * w
    _set_k(1.5)
    return a + b


def a_closure_rebound(x, w):
    scale = w

    def f(z):
        return z * scale

    a = f(x)
    scale = w ** 2
    return np.sum(a + 2 * f(x))


def a_thomas(x, w):
    n = len(x)
    a = np.full(n, -w)
    b = np.full(n, 2.0 + w)
    c = np.full(n, -w)
    d = x.copy()
    for i in range(1, n):
        m = a[i] / b[i - 1]
        b[i] -= m * c[i - 1]
        d[i] -= m * d[i - 1]
    u = np.zeros(n)
    u[-1] = d[-1] / b[-1]
    for i in range(n - 2, -1, -1):
        u[i] = (d[i] - c[i] * u[i + 1]) / b[i]
    return np.sum(u ** 2)


def a_alias_loop(x, w):
    a = x * 1.0
    b = a
    for i in range(3):
        a[i] = a[i] * w + b[i + 1]
        a[-1] += b[i] ** 2
    return np.sum(b ** 2)


# ---- G: what a global names, rebound between calls of one gradient
def g_config(x, w):
    for _ in range(CFG["steps"]):
        x = x + CFG["alpha"] * np.sin(x) * w
    return np.sum(x)


def act(z):
    return np.tanh(z)


def g_helper(x, w):
    return np.sum(act(x * w))


# ---- B: what the hunt found: a copy an advanced index makes, written (refused before)
def b_mask_copy(x, w):
    y = x * 1.0
    m = y > 0
    z = y[m]
    z *= w
    z[0] = w ** 2
    return np.sum(y ** 2) + np.sum(z ** 2)


def b_list_copy(x, w):
    y = x * 1.0
    z = y[[0, 2]]
    z[0] = w
    z += y[[1, 3]]
    return np.sum(y ** 2) + np.sum(z ** 3)


def b_argument_mask(x, w):
    z = x[x > 0]
    z *= w
    return np.sum(x ** 2) + np.sum(z ** 2)


def b_columns(A, w):
    B = A * 1.0
    z = B[:, [0, 2]]
    z[0] *= w
    return np.sum(B ** 2) + np.sum(z ** 2)


def b_argument_list(x, w):
    z = x[[3, 0, 0]]
    z[1] = w
    return np.sum(x ** 2) + np.sum(z ** 2)


# ---- K: refused, naming the line
def k_zip_update(W, w):
    ps = [W * 1.0, W[0] * w]
    gs = [W * w, np.ones(3)]
    for p, g in zip(ps, gs):
        p -= 0.1 * g
    return np.sum(ps[0] ** 2) + np.sum(ps[1] ** 3)


CASES = [
    ("a_mlp_xent", a_mlp_xent, (W1, W2), (0, 1)),
    ("a_logreg", a_logreg, (np.array([0.3, -0.2, 0.5]), 0.1), (0, 1)),
    ("a_lstm_list", a_lstm_list, (A33 * 0.5, A33.T * 0.4), (0, 1)),
    ("a_heat_slices", a_heat_slices, (V5, 0.2), (0, 1)),
    ("a_interp_search", a_interp_search, (V5, 1.05), (0, 1)),
    ("a_verlet", a_verlet, (V4, V4[::-1].copy()), (0, 1)),
    ("a_slice_scale", a_slice_scale, (A33, 1.3), (0, 1)),
    ("a_view_add", a_view_add, (V4, 1.3), (0, 1)),
    ("a_prod_zero", a_prod_zero, (V4, 0.8), (0, 1)),
    ("a_triu_ix", a_triu_ix, (A33, 0.8), (0, 1)),
    ("a_adam", a_adam, (A33, 0.8), (0, 1)),
    ("a_global_changed_inside", a_global_changed_inside, (V4, 0.8), (0, 1)),
    ("a_closure_rebound", a_closure_rebound, (V4, 0.8), (0, 1)),
    ("a_thomas", a_thomas, (V5, 0.8), (0, 1)),
    ("a_alias_loop", a_alias_loop, (V5, 0.8), (0, 1)),
    ("b_mask_copy", b_mask_copy, (V4, 0.8), (0, 1)),
    ("b_list_copy", b_list_copy, (V4, 0.8), (0, 1)),
    ("b_argument_mask", b_argument_mask, (V4, 0.8), (0, 1)),
    ("b_columns", b_columns, (A33, 0.8), (0, 1)),
    ("b_argument_list", b_argument_list, (V4, 0.8), (0, 1)),
]
