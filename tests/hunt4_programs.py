"""Programs of the fourth acceptance hunt, in the style of user code and of an adversary:
hand-written optimizers (Adam, line search, Newton in a while loop), small physics
(leapfrog, springs, heat), statistics (log-likelihoods, logsumexp, mixtures, a Kalman
filter), ML layers (attention, layer norm, convolution by slicing, RNN cells), geometry
and option payoffs, kinks at the sample point, odd dtypes, aliasing, views, recursion and
user classes, and the Python semantics an adversary leans on (late binding, type
checks, star-unpacking, builtins on arrays). Each entry of CASES is (name, f, args,
wrt); the last argument of each program is named ``w`` (tests/breadth_modes.py calls
the gradient with it by keyword).
Used by tests/test_hunt4_programs.py."""

import dataclasses
import functools
import itertools
import math
import operator

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W3 = np.array([0.7, 1.1, -0.5])
M23 = np.array([[0.2, -0.5, 0.4], [0.9, 0.1, -0.3]])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
S34 = np.array([[0.1, -0.2, 0.3, 0.5], [0.7, 0.0, -0.4, 0.2], [-0.3, 0.6, 0.1, -0.1]])
P5 = np.array([[0.0, 0.0], [1.0, 0.2], [0.4, 1.1], [-0.3, 0.7], [0.5, -0.6]])
CASES, case = case_table()

@case("a01 hand-written Adam on a quadratic, unrolled 5 steps", (X3, 0.8))
def a01(x, w):
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    p = x.copy()
    for t in range(1, 6):
        g = 2.0 * w * (p - W3)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        p = p - lr * mhat / (np.sqrt(vhat) + eps)
    return np.sum(p ** 2)

@case("a02 gradient descent with momentum in a while loop", (X3, 0.8))
def a02(x, w):
    vel = np.zeros(3)
    p = x
    k = 0
    while k < 6:
        g = w * p + np.sin(p)
        vel = 0.9 * vel - 0.05 * g
        p = p + vel
        k += 1
    return np.dot(p, p)

@case("a03 Newton's method for sqrt(w) with a while loop on tolerance", (0.3, 0.8))
def a03(x, w):
    y = 1.0
    it = 0
    while abs(y * y - w) > 1e-12 and it < 50:
        y = 0.5 * (y + w / y)
        it += 1
    return x * y

@case("a04 Newton on x**3 + w*x - 1 = 0 started at x", (0.6, 0.8))
def a04(x, w):
    z = x
    for _ in range(8):
        f = z ** 3 + w * z - 1.0
        df = 3 * z ** 2 + w
        z = z - f / df
    return z + 0.1 * x

@case("a05 backtracking line search (Armijo) fixed iterations", (X3, 0.8))
def a05(x, w):
    def obj(p):
        return np.sum((p - W3) ** 2) * w + np.sum(p ** 4)
    p = x
    g = 2 * w * (p - W3) + 4 * p ** 3
    t = 1.0
    for _ in range(10):
        if obj(p - t * g) <= obj(p) - 0.5 * t * np.dot(g, g):
            break
        t = t * 0.5
    return obj(p - t * g)

@case("a06 RMSprop with running average dict state", (X3, 0.8))
def a06(x, w):
    state = {"sq": np.zeros(3), "p": x}
    for _ in range(4):
        g = np.tanh(state["p"]) * w
        state["sq"] = 0.9 * state["sq"] + 0.1 * g ** 2
        state["p"] = state["p"] - 0.01 * g / np.sqrt(state["sq"] + 1e-6)
    return np.sum(state["p"] * W3)

@case("a07 gradient clipping by norm (kink away from the point)", (X3, 0.8))
def a07(x, w):
    g = x * w * 10.0
    n = np.linalg.norm(g)
    if n > 1.0:
        g = g / n
    return np.sum(g * W3) + np.sum(x ** 2)

@case("a08 fixed-point iteration z = cos(w*z) + x", (0.3, 0.8))
def a08(x, w):
    z = 0.0
    for _ in range(30):
        z = 0.5 * math.cos(w * z) + 0.3 * x
    return z

@case("a09 leapfrog harmonic oscillator", (X3, 0.8))
def a09(x, w):
    q = x
    p = np.zeros_like(x)
    dt = 0.1
    for _ in range(10):
        p = p - 0.5 * dt * w * q
        q = q + dt * p
        p = p - 0.5 * dt * w * q
    return np.sum(q ** 2 + p ** 2)

@case("a10 spring chain forces by slicing", (X4, 0.8))
def a10(x, w):
    pos = x.copy()
    vel = np.zeros(4)
    for _ in range(5):
        ext = pos[1:] - pos[:-1] - 0.5
        f = np.zeros(4)
        f[:-1] += w * ext
        f[1:] -= w * ext
        vel = vel + 0.1 * f
        pos = pos + 0.1 * vel
    return np.sum(pos * np.arange(4.0))

@case("a11 explicit heat equation with np.roll periodic", (X4, 0.8))
def a11(x, w):
    u = x
    for _ in range(6):
        lap = np.roll(u, 1) + np.roll(u, -1) - 2 * u
        u = u + 0.1 * w * lap
    return np.sum(u ** 3)

@case("a12 projectile with drag Euler steps on a list state", (0.3, 0.8))
def a12(x, w):
    s = [0.0, 0.0, x + 1.0, 2.0]
    dt = 0.05
    for _ in range(10):
        vx, vy = s[2], s[3]
        speed = math.sqrt(vx * vx + vy * vy)
        s = [s[0] + dt * vx, s[1] + dt * vy, vx - dt * w * speed * vx, vy - dt * (9.8 + w * speed * vy)]
    return s[0] + s[1]

@case("a13 RK4 on logistic growth", (0.3, 0.8))
def a13(x, w):
    def rhs(y):
        return w * y * (1 - y)
    y = x
    h = 0.2
    for _ in range(5):
        k1 = rhs(y)
        k2 = rhs(y + h / 2 * k1)
        k3 = rhs(y + h / 2 * k2)
        k4 = rhs(y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y

@case("a14 n-body pairwise gravity softening", (np.array([[0.0, 0.1], [1.0, -0.2], [0.3, 0.8]]), 0.8))
def a14(x, w):
    e = 0.0
    n = x.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            e = e - w / np.sqrt(np.sum(d * d) + 0.01)
    return e

@case("a15 pendulum energy after symplectic Euler", (0.3, 0.8))
def a15(x, w):
    th, om = x, 0.0
    for _ in range(20):
        om = om - 0.05 * w * np.sin(th)
        th = th + 0.05 * om
    return 0.5 * om ** 2 + w * (1 - np.cos(th))

@case("a16 conjugate gradient 3 iterations on SPD matrix", (X3, 0.8))
def a16(x, w):
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]]) * w
    b = x
    z = np.zeros(3)
    r = b - A @ z
    p = r
    for _ in range(3):
        Ap = A @ p
        alpha = (r @ r) / (p @ Ap)
        z = z + alpha * p
        rn = r - alpha * Ap
        beta = (rn @ rn) / (r @ r)
        p = rn + beta * p
        r = rn
    return np.sum(z * W3)

@case("a17 Gauss-Newton step for exponential fit", (np.array([0.5, 0.2]), 0.8))
def a17(x, w):
    t = np.linspace(0, 1, 5)
    yobs = np.exp(w * t)
    a, b = x[0], x[1]
    for _ in range(2):
        pred = a * np.exp(b * t)
        r = pred - yobs
        J = np.stack([np.exp(b * t), a * t * np.exp(b * t)], axis=1)
        step = np.linalg.solve(J.T @ J + 1e-3 * np.eye(2), J.T @ r)
        a = a - step[0]
        b = b - step[1]
    return a + b


@case("a19 damped wave 1-D with boundary held fixed", (X4, 0.8))
def a19(x, w):
    u_prev = x.copy()
    u = x.copy()
    for _ in range(4):
        u_next = u.copy()
        u_next[1:-1] = 2 * u[1:-1] - u_prev[1:-1] + 0.2 * w * (u[2:] - 2 * u[1:-1] + u[:-2])
        u_prev, u = u, u_next
    return np.sum(u * u)

@case("a20 nesterov accelerated gradient with tuple state", (X3, 0.8))
def a20(x, w):
    state = (x, x)
    for k in range(5):
        p, prev = state
        y = p + (k / (k + 3.0)) * (p - prev)
        g = w * y ** 3 + y
        state = (y - 0.05 * g, p)
    return np.sum(state[0])

@case("a21 simulated spring mass with augmented assignment on arrays", (X3, 0.8))
def a21(x, w):
    pos = np.array(x)
    vel = np.zeros(3)
    for _ in range(5):
        acc = -w * pos
        vel += 0.1 * acc
        pos += 0.1 * vel
    return np.sum(pos)

@case("a22 Adagrad on a Rosenbrock", (np.array([0.3, 0.4]), 0.8))
def a22(x, w):
    p = x
    G = np.zeros(2)
    for _ in range(4):
        g = np.array([-2 * (1 - p[0]) - 4 * w * p[0] * (p[1] - p[0] ** 2), 2 * w * (p[1] - p[0] ** 2)])
        G = G + g * g
        p = p - 0.1 * g / np.sqrt(G + 1e-8)
    return (1 - p[0]) ** 2 + w * (p[1] - p[0] ** 2) ** 2


@case("a24 trapezoid integral of w*exp(-x t^2)", (0.3, 0.8))
def a24(x, w):
    t = np.linspace(0.0, 1.0, 21)
    f = w * np.exp(-x * t ** 2)
    return np.trapezoid(f, t) if hasattr(np, "trapezoid") else np.trapz(f, t)

@case("a25 Simpson rule by hand with slices", (0.3, 0.8))
def a25(x, w):
    t = np.linspace(0.0, 1.0, 9)
    f = np.sin(w * t + x)
    h = t[1] - t[0]
    return h / 3 * (f[0] + 4 * np.sum(f[1:-1:2]) + 2 * np.sum(f[2:-1:2]) + f[-1])

@case("a26 Verlet with position history list", (X3, 0.8))
def a26(x, w):
    hist = [x, x + 0.01]
    for _ in range(6):
        a = -w * hist[-1]
        hist.append(2 * hist[-1] - hist[-2] + 0.01 * a)
    return np.sum(hist[-1] * hist[-3])

@case("a27 coupled oscillators matrix exponential via series", (X3, 0.8))
def a27(x, w):
    K = np.array([[-2.0, 1.0, 0.0], [1.0, -2.0, 1.0], [0.0, 1.0, -2.0]]) * w * 0.1
    E = np.eye(3)
    term = np.eye(3)
    for k in range(1, 8):
        term = term @ K / k
        E = E + term
    return np.sum(E @ x)

@case("a28 heat 2-D by slicing interior", (np.arange(16.0).reshape(4, 4) / 16.0, 0.8))
def a28(x, w):
    u = x
    for _ in range(3):
        inner = u[1:-1, 1:-1] + 0.1 * w * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
        u = np.pad(inner, 1, mode="edge")
    return np.sum(u ** 2)

@case("a29 Newton's method with while loop and derivative as a lambda", (0.6, 0.8))
def a29(x, w):
    f = lambda z: np.tanh(z) - w * 0.5
    df = lambda z: 1 - np.tanh(z) ** 2
    z = x
    n = 0
    while n < 6:
        z = z - f(z) / df(z)
        n += 1
    return z

@case("a30 SGD over minibatches of a fixed data set", (np.array([0.1, -0.2]), 0.8))
def a30(x, w):
    X = np.array([[1.0, 0.5], [0.2, -1.0], [0.3, 0.3], [-0.7, 0.1]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = x
    for epoch in range(2):
        for s in range(0, 4, 2):
            xb, yb = X[s:s + 2], y[s:s + 2]
            pred = 1 / (1 + np.exp(-(xb @ p)))
            p = p - w * xb.T @ (pred - yb) / 2
    return np.sum(p ** 2)

def logsumexp(v):
    m = np.max(v)
    return m + np.log(np.sum(np.exp(v - m)))

@case("b01 stable logsumexp helper with max subtraction", (X3, 0.8))
def b01(x, w):
    return logsumexp(x * w)

@case("b02 softmax cross-entropy with integer label", (X3, 0.8))
def b02(x, w):
    z = x * w
    z = z - np.max(z)
    logp = z - np.log(np.sum(np.exp(z)))
    label = 2
    return -logp[label]

@case("b03 batch softmax cross-entropy with fancy-index labels", (S34, 0.8))
def b03(x, w):
    z = x * w
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    labels = np.array([0, 3, 1])
    return -np.mean(logp[np.arange(3), labels])

@case("b04 Gaussian log-likelihood of data", (np.array([0.1, 0.5]), 0.8))
def b04(x, w):
    data = np.array([0.3, -0.2, 0.9, 0.4])
    mu, log_sigma = x[0], x[1]
    sigma = np.exp(log_sigma)
    return np.sum(-0.5 * ((data - mu) / sigma) ** 2 - log_sigma - 0.5 * np.log(2 * np.pi)) * w

@case("b05 Gaussian mixture log-likelihood with logsumexp over components", (X3, 0.8))
def b05(x, w):
    data = np.array([0.3, -0.2, 0.9, 0.4])
    means = x
    logw = np.log(np.array([0.2, 0.5, 0.3]))
    total = 0.0
    for d in data:
        comp = logw - 0.5 * (d - means) ** 2 / w - 0.5 * np.log(2 * np.pi * w)
        total = total + logsumexp(comp)
    return total

@case("b06 GMM vectorized with broadcasting", (X3, 0.8))
def b06(x, w):
    data = np.array([0.3, -0.2, 0.9, 0.4])[:, None]
    comp = -0.5 * (data - x[None, :]) ** 2 / w
    m = comp.max(axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.exp(comp - m).sum(axis=1)))

@case("b07 Kalman filter 1-D predict/update loop", (0.3, 0.8))
def b07(x, w):
    obs = [0.5, 0.7, 0.4, 0.9]
    mean, var = x, 1.0
    ll = 0.0
    for z in obs:
        var = var + w
        s = var + 0.5
        ll = ll - 0.5 * (np.log(2 * np.pi * s) + (z - mean) ** 2 / s)
        k = var / s
        mean = mean + k * (z - mean)
        var = (1 - k) * var
    return ll

@case("b08 Kalman filter 2-D with matrices", (np.array([0.1, 0.2]), 0.8))
def b08(x, w):
    F = np.array([[1.0, 0.1], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = np.eye(2) * 0.01 * w
    R = np.array([[0.2]])
    m, P = x, np.eye(2)
    for z in [0.3, 0.5, 0.4]:
        m = F @ m
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        m = m + (K @ (np.array([z]) - H @ m))
        P = (np.eye(2) - K @ H) @ P
    return np.sum(m) + np.trace(P)

@case("b09 logistic regression negative log-likelihood with log1p", (X3, 0.8))
def b09(x, w):
    X = np.array([[1.0, 0.2, -0.3], [0.4, -1.0, 0.5], [0.0, 0.3, 0.8]])
    y = np.array([1.0, 0.0, 1.0])
    z = X @ x * w
    return np.sum(np.log1p(np.exp(-z)) * y + np.log1p(np.exp(z)) * (1 - y))

@case("b10 Poisson regression log-likelihood with gammaln constant", (X3, 0.8))
def b10(x, w):
    X = np.array([[1.0, 0.2, -0.3], [0.4, -1.0, 0.5]])
    k = np.array([2.0, 0.0])
    eta = X @ x * w
    return np.sum(k * eta - np.exp(eta) - np.array([math.lgamma(v + 1) for v in k]))

@case("b11 scaled dot-product attention single head", (S34[:, :3], 0.8))
def b11(x, w):
    Wq = np.array([[0.5, -0.2], [0.1, 0.3], [0.4, 0.2]])
    Wk = np.array([[0.3, 0.1], [-0.2, 0.5], [0.2, -0.4]])
    q = x @ Wq * w
    k = x @ Wk
    v = x
    s = q @ k.T / np.sqrt(2.0)
    s = s - s.max(axis=-1, keepdims=True)
    a = np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)
    return np.sum((a @ v) ** 2)

@case("b12 causal attention mask with np.where and -inf", (S34[:, :3], 0.8))
def b12(x, w):
    s = x @ x.T * w
    mask = np.tril(np.ones((3, 3), dtype=bool))
    s = np.where(mask, s, -np.inf)
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    a = e / e.sum(axis=1, keepdims=True)
    return np.sum(a @ x * W3)

@case("b13 layer norm with learned gain", (S34, 0.8))
def b13(x, w):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + 1e-5) * w
    return np.sum(y * np.arange(12.0).reshape(3, 4))

@case("b14 batch norm with np.var", (S34, 0.8))
def b14(x, w):
    y = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    return np.sum(np.tanh(y * w) * np.arange(12.0).reshape(3, 4))

@case("b15 conv1d by slicing valid mode", (np.array([0.1, 0.5, -0.3, 0.8, 0.2, -0.6]), W3))
def b15(x, w):
    n = x.shape[0] - w.shape[0] + 1
    out = np.array([np.sum(x[i:i + 3] * w) for i in range(n)])
    return np.sum(out ** 2)

@case("b16 conv2d by slicing and accumulation", (np.arange(25.0).reshape(5, 5) / 25.0, np.array([[0.1, -0.2], [0.3, 0.4]])))
def b16(x, w):
    out = np.zeros((4, 4))
    for i in range(2):
        for j in range(2):
            out = out + w[i, j] * x[i:i + 4, j:j + 4]
    return np.sum(np.maximum(out, 0.05) ** 2)

@case("b17 max pooling 2x2 via reshape and max", (np.arange(16.0).reshape(4, 4) / 7.0 - np.eye(4) * 0.3, 0.8))
def b17(x, w):
    p = (x * w).reshape(2, 2, 2, 2).max(axis=(1, 3))
    return np.sum(p ** 2)

@case("b18 Elman RNN cell unrolled over a sequence", (X3[:2], 0.8))
def b18(x, w):
    Wh = np.array([[0.5, -0.3], [0.2, 0.4]]) * w
    Wx = np.array([[0.1], [0.7]])
    h = x
    for t in [0.3, -0.1, 0.5]:
        h = np.tanh(Wh @ h + Wx[:, 0] * t)
    return np.sum(h)

@case("b19 GRU cell by hand", (X3[:2], 0.8))
def b19(x, w):
    sig = lambda v: 1 / (1 + np.exp(-v))
    U = np.array([[0.5, -0.3], [0.2, 0.4]])
    h = x
    for t in [0.3, -0.1]:
        z = sig(U @ h * w + t)
        r = sig(U.T @ h + t)
        hh = np.tanh(U @ (r * h) + w * t)
        h = (1 - z) * h + z * hh
    return np.sum(h ** 2)

@case("b20 LSTM cell with split gates", (X4, 0.8))
def b20(x, w):
    h = np.zeros(1)
    c = np.zeros(1)
    sig = lambda v: 1 / (1 + np.exp(-v))
    for t in range(2):
        gates = x * w * (t + 1) + h[0]
        i, f, o, g = np.split(gates, 4)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
    return h[0]

@case("b21 two-layer MLP with ReLU and bias broadcast", (S34, W3))
def b21(x, w):
    W1 = np.array([[0.1, 0.2, -0.1], [0.3, -0.4, 0.2], [0.5, 0.1, 0.0], [-0.2, 0.3, 0.4]])
    h = np.maximum(x @ W1 + 0.05, 0.0)
    return np.sum((h @ w) ** 2)

@case("b22 dropout with fixed mask from a seeded rng", (X4, 0.8))
def b22(x, w):
    rng = np.random.default_rng(0)
    mask = rng.random(4) > 0.3
    return np.sum(np.where(mask, x * w / 0.7, 0.0) ** 2)

@case("b23 KL divergence between two softmaxes", (X3, W3))
def b23(x, w):
    p = np.exp(x) / np.sum(np.exp(x))
    q = np.exp(w) / np.sum(np.exp(w))
    return np.sum(p * (np.log(p) - np.log(q)))

@case("b24 binary cross entropy with clip", (np.array([0.3, 0.6, 0.8]), 0.8))
def b24(x, w):
    p = np.clip(x * w, 1e-7, 1 - 1e-7)
    y = np.array([1.0, 0.0, 1.0])
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

@case("b25 Student-t log density sum", (X3, 0.8))
def b25(x, w):
    nu = 3.0 + w
    return np.sum(math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * np.log(nu * np.pi)
                  - (nu + 1) / 2 * np.log1p(x ** 2 / nu))

@case("b26 multivariate normal log density with cholesky", (np.array([0.2, -0.1]), 0.8))
def b26(x, w):
    S = np.array([[1.0, 0.3], [0.3, 0.5]]) * w + np.eye(2) * 0.1
    L = np.linalg.cholesky(S)
    z = np.linalg.solve(L, x)
    return -0.5 * z @ z - np.sum(np.log(np.diag(L))) - np.log(2 * np.pi)

@case("b27 embedding lookup and mean pooling", (S34, 0.8))
def b27(x, w):
    ids = [2, 0, 2, 1]
    e = x[ids]
    return np.sum(np.tanh(e.mean(axis=0) * w))

@case("b28 multi-head attention by reshape and transpose", (np.arange(8.0).reshape(2, 4) / 8.0, 0.8))
def b28(x, w):
    q = (x * w).reshape(2, 2, 2).transpose(1, 0, 2)
    k = x.reshape(2, 2, 2).transpose(1, 0, 2)
    s = np.einsum("hid,hjd->hij", q, k)
    a = np.exp(s) / np.exp(s).sum(-1, keepdims=True)
    o = np.einsum("hij,hjd->hid", a, k)
    return np.sum(o.transpose(1, 0, 2).reshape(2, 4) ** 2)

@case("b29 running mean and variance Welford", (X4, 0.8))
def b29(x, w):
    mean, m2, n = 0.0, 0.0, 0
    for v in x * w:
        n += 1
        d = v - mean
        mean += d / n
        m2 += d * (v - mean)
    return m2 / (n - 1) + mean

@case("b30 hinge loss SVM with kinks away from the point", (X3, 0.8))
def b30(x, w):
    X = np.array([[1.0, 0.2, -0.3], [0.4, -1.0, 0.5], [0.0, 0.3, 0.8]])
    y = np.array([1.0, -1.0, 1.0])
    margins = 1 - y * (X @ x) * w
    return np.sum(np.maximum(0.0, margins)) + 0.1 * np.sum(x ** 2)

def rot2(t):
    c, s = np.cos(t), np.sin(t)
    return np.array([[c, -s], [s, c]])

@case("c01 2-D rotation matrix built from a scalar angle", (np.array([0.3, 0.7]), 0.8))
def c01(x, w):
    return np.sum((rot2(w) @ x) * np.array([1.0, 2.0]))

@case("c02 Rodrigues rotation about an axis", (X3, 0.8))
def c02(x, w):
    k = np.array([0.0, 0.6, 0.8])
    v = x
    return np.sum(v * np.cos(w) + np.cross(k, v) * np.sin(w) + k * np.dot(k, v) * (1 - np.cos(w)))

@case("c03 quaternion multiply and rotate", (np.array([0.9, 0.1, -0.2, 0.3]), 0.8))
def c03(x, w):
    def qmul(a, b):
        a0, a1, a2, a3 = a
        b0, b1, b2, b3 = b
        return np.array([a0 * b0 - a1 * b1 - a2 * b2 - a3 * b3,
                         a0 * b1 + a1 * b0 + a2 * b3 - a3 * b2,
                         a0 * b2 - a1 * b3 + a2 * b0 + a3 * b1,
                         a0 * b3 + a1 * b2 - a2 * b1 + a3 * b0])
    q = x / np.linalg.norm(x)
    v = np.array([0.0, w, 1.0, -0.5])
    qc = q * np.array([1.0, -1.0, -1.0, -1.0])
    r = qmul(qmul(q, v), qc)
    return np.sum(r[1:] ** 2 * np.array([1.0, 2.0, 3.0]))

@case("c04 pairwise distance matrix by broadcasting", (P5, 0.8))
def c04(x, w):
    d = x[:, None, :] - x[None, :, :]
    r = np.sqrt(np.sum(d ** 2, axis=-1) + 1e-9)
    return np.sum(np.exp(-r * w))

@case("c05 polygon area shoelace", (P5, 0.8))
def c05(x, w):
    xs, ys = x[:, 0], x[:, 1] * w
    return 0.5 * (np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1)))

@case("c06 angle between vectors via arccos", (X3, W3))
def c06(x, w):
    c = np.dot(x, w) / (np.linalg.norm(x) * np.linalg.norm(w))
    return np.arccos(c)

@case("c07 point to segment distance with clip (interior point)", (np.array([0.4, 0.5]), 0.8))
def c07(x, w):
    a = np.array([0.0, 0.0])
    b = np.array([1.0, w])
    t = np.clip(np.dot(x - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
    return np.linalg.norm(x - (a + t * (b - a)))

@case("c08 arctan2 heading and wrap", (np.array([0.3, 0.7]), 0.8))
def c08(x, w):
    ang = np.arctan2(x[1] * w, x[0])
    return np.sin(ang) + ang ** 2

@case("c09 spherical to cartesian and back", (np.array([1.2, 0.4, 0.9]), 0.8))
def c09(x, w):
    r, th, ph = x[0], x[1] * w, x[2]
    p = np.array([r * np.sin(th) * np.cos(ph), r * np.sin(th) * np.sin(ph), r * np.cos(th)])
    return np.arccos(p[2] / np.linalg.norm(p)) + np.sum(p)

@case("c10 Procrustes-ish: Frobenius norm of rotated points", (P5, 0.8))
def c10(x, w):
    R = rot2(w)
    return np.linalg.norm(x @ R.T - x, "fro")

@case("c11 European call payoff max(S-K, 0) averaged over paths", (np.array([0.1, -0.3, 0.5, 0.2]), 0.8))
def c11(x, w):
    S = 100.0 * np.exp((0.05 - 0.5 * w ** 2) + w * x)
    return np.mean(np.maximum(S - 100.0, 0.0)) * np.exp(-0.05)

@case("c12 Black-Scholes call price with erf", (0.3, 0.8))
def c12(x, w):
    S, K, r, T = 100.0 * (1 + x), 100.0, 0.02, 1.0
    sig = w * 0.3
    d1 = (np.log(S / K) + (r + 0.5 * sig ** 2) * T) / (sig * np.sqrt(T))
    d2 = d1 - sig * np.sqrt(T)
    N = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
    return S * N(d1) - K * np.exp(-r * T) * N(d2)

@case("c13 digital-ish smoothed payoff with sigmoid", (X4, 0.8))
def c13(x, w):
    return np.sum(1 / (1 + np.exp(-(x - 0.1) / (0.05 * w))))

@case("c14 barrier option path check with any()", (np.array([0.1, -0.05, 0.12, 0.03]), 0.8))
def c14(x, w):
    path = 100.0 * np.exp(np.cumsum(x * w))
    if np.any(path > 120.0):
        return 0.0 * np.sum(x)
    return max(path[-1] - 100.0, 0.0)

@case("c15 bond price from yield curve with cumsum discounting", (X4 * 0.01 + 0.03, 0.8))
def c15(x, w):
    df = np.exp(-np.cumsum(x))
    cfs = np.array([5.0, 5.0, 5.0, 105.0]) * w
    return np.dot(cfs, df)

@case("c16 portfolio variance and Sharpe", (X3 / 2 + 0.4, 0.8))
def c16(x, w):
    C = np.array([[0.04, 0.01, 0.0], [0.01, 0.09, 0.02], [0.0, 0.02, 0.16]])
    mu = np.array([0.05, 0.08, 0.12])
    wts = x / np.sum(x)
    return (wts @ mu - 0.01 * w) / np.sqrt(wts @ C @ wts)

@case("c17 kink: abs at exactly zero (x[1] = 0)", (np.array([0.3, 0.0, 0.9]), 0.8))
def c17(x, w):
    return np.sum(np.abs(x) * w) + np.sum(x ** 2)

@case("c18 kink: relu at 0", (np.array([0.3, 0.0, -0.9]), 0.8))
def c18(x, w):
    return np.sum(np.maximum(x, 0.0) * w)

@case("c19 kink: max of two equal values", (0.5, 0.5))
def c19(x, w):
    return max(x, w) * 2.0 + x

@case("c20 kink: call payoff at the money", (100.0, 0.8))
def c20(x, w):
    return max(x - 100.0, 0.0) * w + 0.01 * x

@case("c21 kink: sqrt(x**2) at 0", (0.0, 0.8))
def c21(x, w):
    return np.sqrt(x * x + 0.0) * w + x * w



@case("c24 int constant array mixed with float arg", (X3, 0.8))
def c24(x, w):
    k = np.arange(3)
    return np.sum(x ** k * w)

@case("c25 0-d array argument", (np.array(0.3), 0.8))
def c25(x, w):
    return np.sin(x) * w + x ** 2

@case("c26 python int power and integer division index", (X4, 0.8))
def c26(x, w):
    n = len(x) // 2
    return np.sum(x[:n] ** 2) * w + np.sum(x[n:] ** 3)

@case("c27 boolean mask multiply (bool times float)", (X4, 0.8))
def c27(x, w):
    m = x > 0
    return np.sum(m * x * w) + np.sum(~m * x ** 2)

@case("c28 complex intermediate: abs of exp(i w x) sum", (X3, 0.8))
def c28(x, w):
    z = np.exp(1j * w * x) * x
    return np.real(np.sum(z * np.conj(z)))

@case("c29 np.float64 scalar arithmetic and float() of it", (X3, 0.8))
def c29(x, w):
    s = np.float64(2.0) * np.sum(x)
    return s * w + np.float64(w) ** 2

@case("c30 shape (1,) array as a scalar", (np.array([0.4]), 0.8))
def c30(x, w):
    return np.sum(np.exp(x * w)) + x[0] * w

@case("d01 y = x; y += 1 on an array aliases the argument", (X3, 0.8))
def d01(x, w):
    y = x
    y += w
    return np.sum(x * y)

@case("d02 y = x; y = y + 1 (no alias) then use both", (X3, 0.8))
def d02(x, w):
    y = x
    y = y + w
    return np.sum(x * y)

@case("d03 view through slicing then write into the view", (X4, 0.8))
def d03(x, w):
    z = x.copy()
    v = z[1:3]
    v *= w
    return np.sum(z ** 2)

@case("d04 reshape view written in place", (X4, 0.8))
def d04(x, w):
    z = x * 1.0
    m = z.reshape(2, 2)
    m[0, :] = m[0, :] * w
    return np.sum(z * np.arange(4.0))

@case("d05 two names in a list share one array", (X3, 0.8))
def d05(x, w):
    a = x * 1.0
    lst = [a, a]
    lst[0] *= w
    return np.sum(lst[1] * x)

@case("d06 dict values alias a local array", (X3, 0.8))
def d06(x, w):
    buf = np.zeros(3)
    d = {"buf": buf}
    d["buf"][:] = x * w
    return np.sum(buf ** 2)

@case("d07 transpose view write", (M23, 0.8))
def d07(x, w):
    z = x.copy()
    t = z.T
    t[0] = t[0] * w
    return np.sum(z * z)

@case("d08 in-place on an argument-derived array inside a loop with swap", (X3, 0.8))
def d08(x, w):
    a = x.copy()
    b = x * w
    for _ in range(3):
        a += b
        a, b = b, a
    return np.sum(a * b)

@case("d09 x[:] = ... writes the caller's array copy (argument mutated)", (X3, 0.8))
def d09(x, w):
    x[:] = x * w
    return np.sum(x ** 2)

@case("d10 augmented assignment on an element of an argument", (X3, 0.8))
def d10(x, w):
    x = x.copy()
    x[1] += w * x[0]
    x[2] *= x[1]
    return np.sum(x)

@case("d11 rebinding a parameter name in a loop", (0.3, 0.8))
def d11(x, w):
    for _ in range(3):
        x = x * w + math.sin(x)
    w = x * 2.0
    return w

@case("d12 shadowing np inside the function", (X3, 0.8))
def d12(x, w):
    import numpy as onp
    return onp.sum(onp.tanh(x * w))

@case("d13 recursion: power by squaring on floats", (0.7, 0.8))
def d13(x, w):
    def pw(b, n):
        if n == 0:
            return 1.0
        if n % 2 == 0:
            h = pw(b, n // 2)
            return h * h
        return b * pw(b, n - 1)
    return pw(x * w, 5)

def fact_like(v, n):
    return v if n <= 1 else v * fact_like(v + 0.1, n - 1)

@case("d14 module-level recursive helper", (0.7, 0.8))
def d14(x, w):
    return fact_like(x * w, 4)

@case("d15 mutual recursion even/odd scaling", (0.7, 0.8))
def d15(x, w):
    def ev(v, n):
        return v if n == 0 else od(v * w, n - 1)
    def od(v, n):
        return v if n == 0 else ev(np.sin(v), n - 1)
    return ev(x, 5)

@case("d16 recursion on a list (sum of tree)", (X4, 0.8))
def d16(x, w):
    def tsum(items):
        if len(items) == 1:
            return items[0] * w
        mid = len(items) // 2
        return tsum(items[:mid]) * tsum(items[mid:])
    return tsum(list(x))

@case("d17 same helper decorated twice with functools.wraps", (X3, 0.8))
def d17(x, w):
    return np.sum(twice_wrapped(x, w))

def deco(f):
    @functools.wraps(f)
    def inner(*a):
        return f(*a) * 2.0
    return inner

@deco
@deco
def twice_wrapped(a, b):
    return a * b + a ** 2

@case("d18 np.copy vs assignment alias semantics", (X3, 0.8))
def d18(x, w):
    a = x * w
    b = np.copy(a)
    c = a
    a[0] = 5.0
    return np.sum(b) + np.sum(c)

@case("d19 nested list of arrays modified through an inner alias", (X3, 0.8))
def d19(x, w):
    rows = [x * 1.0, x * w]
    r = rows[1]
    r[2] = r[0] * r[1]
    return np.sum(rows[1]) + np.sum(rows[0])

@case("d20 out= argument into a fresh buffer", (X3, 0.8))
def d20(x, w):
    out = np.empty(3)
    np.multiply(x, w, out=out)
    return np.sum(out ** 2)

@case("d21 np.add.at scatter", (X4, 0.8))
def d21(x, w):
    acc = np.zeros(2)
    np.add.at(acc, [0, 1, 0, 1], x * w)
    return np.sum(acc ** 2)

@case("d22 fill_diagonal in place", (np.arange(9.0).reshape(3, 3) / 9.0, 0.8))
def d22(x, w):
    m = x.copy()
    np.fill_diagonal(m, w)
    return np.sum(m @ m)

@case("d23 swap elements by tuple assignment on an array", (X3, 0.8))
def d23(x, w):
    a = x * w
    a[0], a[2] = a[2], a[0]
    return np.sum(a * np.arange(3.0))

@case("d24 swap rows with fancy index assign (aliasing RHS)", (M23, 0.8))
def d24(x, w):
    a = x * w
    a[[0, 1]] = a[[1, 0]]
    return np.sum(a * np.arange(6.0).reshape(2, 3))

@case("d25 loop variable leaks after the loop", (X3, 0.8))
def d25(x, w):
    for v in x:
        pass
    return v * w

@case("d26 del of a name then rebinding", (X3, 0.8))
def d26(x, w):
    t = x * w
    s = np.sum(t)
    del t
    t = s * s
    return t

@case("d27 global constant array mutated in the function (copy first)", (X3, 0.8))
def d27(x, w):
    g = GLOBAL_BUF.copy()
    g += x * w
    return np.sum(g ** 2)

GLOBAL_BUF = np.array([1.0, 2.0, 3.0])

@case("d28 walrus in a comprehension", (X4, 0.8))
def d28(x, w):
    total = 0.0
    ys = [(y := v * w) * y for v in x]
    return sum(ys) + y

@case("d29 try/except KeyError falls back to a default scale", (X3, 0.8))
def d29(x, w):
    cfg = {"shift": 0.5}
    try:
        s = cfg["scale"]
    except KeyError:
        s = w
    return np.sum(np.sin(x * s) + cfg["shift"])

@case("d30 generator expression with sum over zip of aliases", (X3, 0.8))
def d30(x, w):
    y = x
    return sum(a * b * w for a, b in zip(x, y))

class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b
    def __call__(self, v):
        return self.W @ v + self.b

class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
    def __call__(self, v):
        for layer in self.layers:
            v = layer(v)
        return v

@case("f01 Sequential of Linear and np.tanh built inside", (X3, M23))
def f01(x, w):
    net = Sequential(Linear(w, np.array([0.1, -0.1])), np.tanh, Linear(np.array([[1.0, -2.0]]), 0.0))
    return net(x)[0]

@dataclasses.dataclass
class Spring:
    k: float
    rest: float
    def energy(self, d):
        return 0.5 * self.k * (d - self.rest) ** 2

@case("f02 dataclass springs summing energies", (X3, 0.8))
def f02(x, w):
    springs = [Spring(w, 0.1), Spring(2.0 * w, -0.2), Spring(1.0, 0.0)]
    return sum(s.energy(d) for s, d in zip(springs, x))

class Optimizer:
    def __init__(self, lr):
        self.lr = lr
        self.steps = 0
    def step(self, p, g):
        self.steps += 1
        return p - self.lr / self.steps * g

@case("f03 optimizer object with internal step counter", (X3, 0.8))
def f03(x, w):
    opt = Optimizer(0.1 * w)
    p = x
    for _ in range(3):
        p = opt.step(p, np.sin(p))
    return np.sum(p ** 2)

class Polynomial:
    def __init__(self, coefs):
        self.coefs = coefs
    def __call__(self, t):
        out = 0.0
        for c in reversed(self.coefs):
            out = out * t + c
        return out
    def derivative(self):
        return Polynomial([i * c for i, c in enumerate(self.coefs)][1:])

@case("f04 polynomial class with derivative method (Horner)", (X3, 0.8))
def f04(x, w):
    p = Polynomial([x[0], x[1] * w, x[2]])
    return p(w) + p.derivative()(0.5)

@case("f05 staticmethod and classmethod helpers", (X3, 0.8))
def f05(x, w):
    return Stats.zscore_sum(x * w) + Stats.from_scale(w).apply(x)

class Stats:
    def __init__(self, s):
        self.s = s
    @staticmethod
    def zscore_sum(v):
        return np.sum(((v - v.mean()) / v.std()) ** 3)
    @classmethod
    def from_scale(cls, s):
        return cls(s * 2.0)
    def apply(self, v):
        return np.sum(v * self.s)

@case("f06 property computed from fields", (X3, 0.8))
def f06(x, w):
    b = Box(x, w)
    return b.volume + b.diag

class Box:
    def __init__(self, sides, scale):
        self.sides = sides
        self.scale = scale
    @property
    def volume(self):
        return np.prod(self.sides * self.scale)
    @property
    def diag(self):
        return np.sqrt(np.sum((self.sides * self.scale) ** 2))

@case("f07 functools.partial of a module helper in a loop", (X3, 0.8))
def f07(x, w):
    f = functools.partial(scaled_softplus, beta=w)
    return sum(f(v) for v in x)

def scaled_softplus(v, beta=1.0):
    return np.log1p(np.exp(beta * v)) / beta

@case("f08 dict of callables dispatch by string key", (X3, 0.8))
def f08(x, w):
    acts = {"relu": lambda v: np.maximum(v, 0.0), "tanh": np.tanh, "sq": lambda v: v * v}
    out = x
    for name in ["tanh", "sq", "relu"]:
        out = acts[name](out * w)
    return np.sum(out)

@case("f09 Python float and int mixing: int(w > 0) multiplier", (X3, 0.8))
def f09(x, w):
    sign = int(w > 0) * 2 - 1
    return np.sum(x ** 2) * sign * w

@case("f10 float() of a 0-d array result", (X3, 0.8))
def f10(x, w):
    s = float(np.sum(x * w))
    return s * s

@case("f11 math functions on array elements", (X3, 0.8))
def f11(x, w):
    return math.exp(x[0] * w) + math.log(1 + x[2] ** 2) + math.hypot(x[1], w)


@case("f13 integer array argument used as index with float arg differentiated", (X4, 0.8))
def f13(x, w):
    idx = np.array([3, 0, 2])
    return np.sum(x[idx] * w) + np.sum(x[idx[:2]] ** 2)

@case("f14 list of python floats accumulated then np.array", (X3, 0.8))
def f14(x, w):
    vals = []
    for v in x:
        vals.append(v * w)
        vals.append(v ** 2)
    a = np.array(vals)
    return np.sum(a * np.arange(6.0))

@case("f15 np.stack of scalars computed in a loop", (X3, 0.8))
def f15(x, w):
    parts = [np.sin(x[i]) * w ** i for i in range(3)]
    return np.sum(np.stack(parts) ** 2)

@case("f16 tuple return unpacked from a helper", (X3, 0.8))
def f16(x, w):
    m, s = moments(x * w)
    return m + s ** 2

def moments(v):
    m = np.mean(v)
    return m, np.sqrt(np.mean((v - m) ** 2))

@case("f17 keyword-only helper arguments and defaults", (X3, 0.8))
def f17(x, w):
    return huber(x, delta=w) + huber(x * 2.0, delta=0.5, scale=w)

def huber(v, *, delta=1.0, scale=1.0):
    a = np.abs(v)
    return scale * np.sum(np.where(a < delta, 0.5 * v ** 2, delta * (a - 0.5 * delta)))

@case("f18 *args helper summing weighted terms", (X3, 0.8))
def f18(x, w):
    return wsum(w, x[0], x[1] ** 2, np.sin(x[2]))

def wsum(scale, *terms):
    total = 0.0
    for k, t in enumerate(terms):
        total += scale ** k * t
    return total

@case("f19 **kwargs forwarded to a helper", (X3, 0.8))
def f19(x, w):
    opts = {"alpha": w, "beta": 0.3}
    return elastic(x, **opts)

def elastic(v, alpha=1.0, beta=0.0):
    return alpha * np.sum(v ** 2) + beta * np.sum(np.sqrt(v ** 2 + 1e-3))

@case("f20 generator helper consumed by sum", (X3, 0.8))
def f20(x, w):
    return sum(pairs(x, w))

def pairs(v, s):
    for i in range(len(v) - 1):
        yield v[i] * v[i + 1] * s

@case("f21 object attribute updated in a loop (state machine)", (X3, 0.8))
def f21(x, w):
    st = State(x)
    for _ in range(3):
        st.update(w)
    return np.sum(st.h)

class State:
    def __init__(self, h):
        self.h = h
    def update(self, a):
        self.h = np.tanh(self.h * a + 0.1)

@case("f22 enumerate with start and reversed", (X4, 0.8))
def f22(x, w):
    s = 0.0
    for k, v in enumerate(reversed(x), start=1):
        s = s + v * w ** k
    return s

@case("f23 chained comparison selecting a branch", (0.3, 0.8))
def f23(x, w):
    if 0.0 < x < w:
        return x * w ** 2
    return x + w

@case("f24 ternary inside comprehension", (X4, 0.8))
def f24(x, w):
    return sum([v * w if v > 0 else v ** 2 for v in x])

@case("f25 np.clip on both ends with a parameter bound", (X4, 0.8))
def f25(x, w):
    return np.sum(np.clip(x, -0.5, w) ** 2)


@case("g01 late-binding lambdas in a loop all see the last k", (X3, 0.8))
def g01(x, w):
    fs = []
    for k in range(3):
        fs.append(lambda v: v * k * w)
    return sum(np.sum(f(x)) for f in fs)

@case("g02 late binding through a list comprehension of lambdas", (X3, 0.8))
def g02(x, w):
    fs = [lambda v: v ** k * w for k in range(1, 4)]
    return sum(np.sum(f(x)) for f in fs)

@case("g03 closure sees a variable rebound after the def", (X3, 0.8))
def g03(x, w):
    s = 1.0
    def h(v):
        return v * s
    s = w * 3.0
    return np.sum(h(x))

@case("g04 isinstance(x, float) branch on the argument kind", (0.3, 0.8))
def g04(x, w):
    if isinstance(x, float):
        return x * x * w
    return np.sum(x) * w

@case("g05 type(x) is np.ndarray branch", (X3, 0.8))
def g05(x, w):
    if type(x) is np.ndarray:
        return np.sum(x ** 2) * w
    return x * w

@case("g06 hasattr(x, 'shape') branch", (X3, 0.8))
def g06(x, w):
    if hasattr(x, "shape") and x.shape:
        return np.sum(np.sin(x)) * w
    return math.sin(x) * w

@case("g07 star-unpacking first, *rest", (X4, 0.8))
def g07(x, w):
    first, *rest, last = x
    return first * w + sum(rest) * last

@case("g08 chained assignment a = b = expr", (X3, 0.8))
def g08(x, w):
    a = b = x * w
    b = b + 1.0
    return np.sum(a * b)

@case("g09 for-else and while-else", (X3, 0.8))
def g09(x, w):
    s = 0.0
    for v in x:
        if v > 5:
            break
        s = s + v * w
    else:
        s = s * 2.0
    k = 0
    while k < 2:
        s = s + w
        k += 1
    else:
        s = s * w
    return s

@case("g10 functools.reduce(operator.mul, x)", (X3, 0.8))
def g10(x, w):
    return functools.reduce(operator.mul, x * w) + functools.reduce(lambda a, b: a + b * b, x, 0.0)

@case("g11 itertools.accumulate running sums", (X4, 0.8))
def g11(x, w):
    return sum(v * v for v in itertools.accumulate(x * w))

@case("g12 zip(*matrix) transpose of rows", (M23, 0.8))
def g12(x, w):
    cols = list(zip(*x))
    return sum(c[0] * c[1] * w for c in cols)

@case("g13 builtin max/min/abs/pow on array elements", (X3, 0.8))
def g13(x, w):
    return max(x) * w + min(x[0], x[1]) + abs(x[1]) * pow(w, 3)

@case("g14 sum(x, start) builtin with array start", (M23, 0.8))
def g14(x, w):
    return np.sum(sum(x, np.zeros(3) + w) ** 2)

@case("g15 sorted(array) with key abs", (X3, 0.8))
def g15(x, w):
    s = sorted(x * w, key=abs)
    return s[0] + 2 * s[1] + 3 * s[2]

@case("g16 math.fsum and math.prod of elements", (X3, 0.8))
def g16(x, w):
    return math.fsum([v * w for v in x]) + math.prod([1.0 + v for v in x])

@case("g17 x.item() and float(x[0]) as scalars", (X3, 0.8))
def g17(x, w):
    return x[0].item() * w + float(x[1]) * w ** 2

@case("g18 len(x) and x.shape[0] in the math", (X4, 0.8))
def g18(x, w):
    n = len(x)
    m = x.shape[0]
    return np.sum(x) / n * w + np.sum(x ** 2) / (m - 1)

@case("g19 round() piecewise constant times smooth", (X3, 0.8))
def g19(x, w):
    return round(float(np.sum(x)), 1) * w + np.sum(x) * w

@case("g20 dict comprehension over enumerate of an array", (X3, 0.8))
def g20(x, w):
    d = {i: v * w for i, v in enumerate(x)}
    return d[0] * d[2] + d[1]

@case("g21 global counter incremented inside f", (X3, 0.8))
def g21(x, w):
    global CALLS
    CALLS += 1
    return np.sum(x * w)

CALLS = 0

@case("g22 mutable default list appended each call", (X3, 0.8))
def g22(x, w, acc=[]):
    acc.append(1)
    return np.sum(x * w) * 2.0

@case("g23 function attribute as a constant", (X3, 0.8))
def g23(x, w):
    return np.sum(x * w) * g23.scale

g23.scale = 3.0

@case("g24 exception for control flow: StopIteration from next()", (X3, 0.8))
def g24(x, w):
    it = iter(x * w)
    s = 0.0
    while True:
        try:
            s = s + next(it) ** 2
        except StopIteration:
            break
    return s

@case("g25 conditional expression choosing a function", (X3, 0.8))
def g25(x, w):
    f = np.sin if w > 0 else np.cos
    return np.sum(f(x * w))

@case("g26 slice assignment with a step on a copy", (X4, 0.8))
def g26(x, w):
    y = x.copy()
    y[::2] = y[::2] * w
    y[1::2] = np.exp(y[1::2])
    return np.sum(y ** 2)

@case("g27 negative index and negative-step slicing", (X4, 0.8))
def g27(x, w):
    return x[-1] * w + np.sum(x[::-1] * np.arange(4.0)) + x[-2:][0] * w

@case("g28 in-place op on a slice of a fresh array in a loop", (X4, 0.8))
def g28(x, w):
    y = np.zeros(4)
    for i in range(4):
        y[i:] += x[i] * w
    return np.sum(y ** 2)

@case("g29 np.newaxis broadcasting outer difference", (X3, 0.8))
def g29(x, w):
    d = x[:, np.newaxis] - x[np.newaxis, :] * w
    return np.sum(d ** 2)

@case("g30 Ellipsis indexing", (M23, 0.8))
def g30(x, w):
    return np.sum(x[..., 1] * w) + np.sum(x[0, ...] ** 2)


class Portfolio:
    """A model whose method's second derivative is exported (tests/test_hunt4_programs.py)."""

    def __init__(self):
        self.C = np.array([[0.04, 0.01, 0.0], [0.01, 0.09, 0.02], [0.0, 0.02, 0.16]])
        self.mu = np.array([0.05, 0.08, 0.12])

    def sharpe(self, x):
        wts = x / np.sum(x)
        return (wts @ self.mu) / np.sqrt(wts @ self.C @ wts)
