"""Ordinary numerical programs as outsiders write them (small physics simulations, finance,
statistics, ML layers, geometry, signal processing, everyday NumPy with masks, sorting,
fancy indexing and preallocated buffers; float32 and int data, 0-d arrays, lists of
floats, dataclass parameters, helpers in another module, closures over a config,
functools.partial, methods). Every entry of CASES is (name, f, args, wrt), the output a
number; ARRAY_CASES the same with an array output. Used by tests/test_hunt_outsider.py."""

import dataclasses
import functools
import itertools
import math

import numpy as np

import hunt_outsider_helpers as nn_utils
from hunt_outsider_helpers import norm_cdf, relu, safe_log
from program_cases import case_table
try:
    from scipy.special import expit, gammaln, logsumexp
    from scipy.stats import norm
except ImportError:         # SciPy is optional: the program that calls it is skipped
    expit = gammaln = logsumexp = norm = None

rng = np.random.default_rng(7)
P4 = np.array([0.3, -0.5, 0.8, 0.1])
P6 = np.array([0.4, -0.2, 0.7, 0.1, -0.5, 0.3])
M23 = rng.standard_normal((2, 3)) * 0.5
M33 = np.array([[2.0, 0.3, -0.2], [0.3, 1.5, 0.4], [-0.2, 0.4, 1.8]])
XS = rng.standard_normal((5, 3)) * 0.7
YS = np.array([0.5, -1.0, 0.3, 1.2, -0.4])
LABELS = np.array([0, 2, 1, 2, 0])
COV = M33 / 10.0
CASES, case = case_table((P4, 0.7))
ARRAY_CASES, array_case = case_table((P4, 0.7))


# -- physics -------------------------------------------------------------------------------

@case("ph01 euler oscillator energy", args=(1.3, 0.6), wrt=(0, 1))
def euler_oscillator(k, x0):
    x, v = x0, 0.0
    dt = 0.01
    for step in range(50):
        a = -k * x
        x = x + dt * v
        v = v + dt * a
    return 0.5 * v ** 2 + 0.5 * k * x ** 2


@case("ph02 verlet spring chain", args=(P4, 0.9))
def verlet_chain(x, k):
    x = x.copy()
    v = np.zeros_like(x)
    dt = 0.05
    def forces(pos):
        f = np.zeros_like(pos)
        stretch = np.diff(pos) - 1.0
        f[:-1] += k * stretch
        f[1:] -= k * stretch
        return f
    a = forces(x)
    for _ in range(10):
        x += v * dt + 0.5 * a * dt ** 2
        a_new = forces(x)
        v += 0.5 * (a + a_new) * dt
        a = a_new
    return np.sum(x ** 2) + np.sum(v)


@case("ph03 projectile with drag", args=(np.array([3.0, 4.0]), 0.1))
def projectile(v0, drag):
    pos = np.array([0.0, 0.0])
    vel = v0
    g = np.array([0.0, -9.81])
    dt = 0.02
    for i in range(20):
        speed = np.sqrt(vel @ vel)
        acc = g - drag * speed * vel
        vel = vel + acc * dt
        pos = pos + vel * dt
    return pos[0] + pos[1]


# classical Runge-Kutta from its Butcher tableau
RK4_A = [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]]
RK4_B = [1 / 6, 1 / 3, 1 / 3, 1 / 6]
RK4_C = [0.0, 0.5, 0.5, 1.0]


def rk4_step(f, y, t, h):
    ks = []
    for a_row, c in zip(RK4_A, RK4_C):
        stage = y + h * sum(a * k for a, k in zip(a_row, ks)) if ks else y
        ks.append(f(t + c * h, stage))
    return y + h * sum(b * k for b, k in zip(RK4_B, ks))


@case("ph04 pendulum rk4 with a nested rhs", args=(np.array([0.5, 0.0]), 1.2))
def pendulum(y0, length):
    def rhs(t, y):
        theta, omega = y
        return np.array([omega, -9.81 / length * np.sin(theta)])
    y = y0
    t = 0.0
    for _ in range(8):
        y = rk4_step(rhs, y, t, 0.05)
        t += 0.05
    return y[0] ** 2 + 0.1 * y[1]


@case("ph05 spring forces into a preallocated buffer", args=(P6, 1.4))
def spring_buffer(x, k):
    n = len(x)
    forces = np.zeros(n)
    for i in range(n - 1):
        f = k * (x[i + 1] - x[i] - 0.2)
        forces[i] += f
        forces[i + 1] -= f
    return np.sum(forces ** 2)


@case("ph06 gravitational potential over pairs", args=(XS, 0.8))
def gravity(pos, G):
    energy = 0.0
    for a, b in itertools.combinations(pos, 2):     # each pair of bodies once
        energy -= G / np.linalg.norm(a - b)
    return energy


@case("ph07 heat equation explicit steps", args=(np.sin(np.linspace(0, 3, 8)), 0.2))
def heat(u0, alpha):
    u = u0.copy()
    for _ in range(5):
        u[1:-1] = u[1:-1] + alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u ** 2)


@case("ph08 lennard-jones with triu indices", args=(XS * 2.0, 1.1))
def lennard_jones(pos, sigma):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    i, j = np.triu_indices(len(pos), k=1)
    sr6 = (sigma ** 2 / r2[i, j]) ** 3
    return np.sum(4 * (sr6 ** 2 - sr6))


@case("ph09 damped oscillator while loop on time", args=(0.3, 2.0))
def damped(c, k):
    t, x, v, dt = 0.0, 1.0, 0.0, 0.05
    while t < 1.0:
        v += (-c * v - k * x) * dt
        x += v * dt
        t += dt
    return x


# -- finance -------------------------------------------------------------------------------

def bs_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * norm_cdf(d1) - K * math.exp(-r * T) * norm_cdf(d2)


@case("fi01 black-scholes with math.erf", args=(100.0, 0.25), wrt=(0, 1))
def black_scholes(S, sigma):
    return bs_call(S, 95.0, 0.5, 0.02, sigma)


@case("fi02 black-scholes over a list comprehension", args=(np.array([90.0, 100.0, 110.0]), 0.3))
def bs_book(spots, sigma):
    prices = [bs_call(s, 100.0, 1.0, 0.01, sigma) for s in spots]
    return sum(prices)


@case("fi03 portfolio variance of normalised weights", args=(np.array([0.2, 0.5, 0.3]), 1.0))
def portfolio_variance(w, scale):
    w = w / w.sum()
    return scale * (w.T @ COV @ w)


@case("fi04 sharpe ratio", args=(np.array([0.3, 0.4, 0.3]), 0.01))
def sharpe(w, rf):
    returns = XS @ w
    return (returns.mean() - rf) / returns.std()


@case("fi05 compound interest loop", args=(0.05, 1000.0))
def compound(rate, principal):
    balance = principal
    for year in range(10):
        balance *= 1 + rate
        if year % 3 == 0:
            balance -= 10.0
    return balance


@case("fi06 monte carlo call with a fixed generator", args=(100.0, 0.2))
def mc_call(S0, sigma):
    gen = np.random.default_rng(42)
    z = gen.standard_normal(200)
    ST = S0 * np.exp((0.01 - 0.5 * sigma ** 2) + sigma * z)
    payoff = np.maximum(ST - 100.0, 0.0)
    return np.exp(-0.01) * payoff.mean()


@case("fi07 log returns volatility", args=(np.array([100.0, 101.5, 99.8, 102.3, 103.0]), 252.0))
def volatility(prices, days):
    rets = np.diff(np.log(prices))
    return np.sqrt(days) * np.std(rets, ddof=1)


@case("fi08 bond price from a yield", args=(0.04, 5.0))
def bond_price(y, coupon):
    cash = [coupon] * 4 + [coupon + 100]
    return sum(c / (1 + y) ** (t + 1) for t, c in enumerate(cash))


# -- statistics ----------------------------------------------------------------------------

@case("st01 gaussian log-likelihood", args=(0.2, -0.3), wrt=(0, 1))
def gauss_ll(mu, log_sigma):
    sigma = np.exp(log_sigma)
    n = len(YS)
    return -n * np.log(sigma) - 0.5 * n * np.log(2 * np.pi) - np.sum((YS - mu) ** 2) / (2 * sigma ** 2)


@case("st02 logsumexp by hand", args=(P6, 1.5))
def lse(x, t):
    z = x * t
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m)))


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


@case("st03 softmax cross-entropy with clip", args=(M23.T.copy(), 0.5))
def softmax_xent(W, b):
    logits = XS @ W + b
    p = softmax(logits)
    onehot = np.eye(2)[LABELS % 2]
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(np.sum(onehot * np.log(p), axis=1))


@case("st04 kalman filter step", args=(np.array([0.5, -0.2]), 0.3))
def kalman(x, q):
    F = np.array([[1.0, 0.1], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    P = np.eye(2)
    Q = q * np.eye(2)
    R = np.array([[0.5]])
    nll = 0.0
    for z in np.array([[0.3], [0.5], [0.4]]):
        x, P = F @ x, F @ P @ F.T + Q               # predict
        innovation = z - H @ x
        S = H @ P @ H.T + R
        K = np.linalg.solve(S.T, (P @ H.T).T).T     # P H^T S^-1 without an inverse
        x = x + K @ innovation
        I_KH = np.eye(2) - K @ H
        P = I_KH @ P @ I_KH.T + K @ R @ K.T         # Joseph form
        nll += 0.5 * (innovation @ np.linalg.solve(S, innovation) + np.log(np.linalg.det(S)))
    return x[0] + np.trace(P) + nll


@case("st05 gaussian mixture log-likelihood", args=(np.array([-0.5, 0.8]), np.array([0.1, -0.2])))
def gmm(means, log_stds):
    weights = np.array([0.4, 0.6])
    total = 0.0
    for y in YS:
        comps = weights * np.exp(-0.5 * ((y - means) / np.exp(log_stds)) ** 2) / (np.sqrt(2 * np.pi) * np.exp(log_stds))
        total += np.log(comps.sum())
    return total


@case("st06 poisson log-likelihood with lgamma", args=(np.array([0.2, 0.1]), 0.0))
def poisson(beta, offset):
    counts = [3, 0, 2, 5, 1]
    ll = 0.0
    for i, c in enumerate(counts):
        lam = math.exp(offset + XS[i, 0] * beta[0] + XS[i, 1] * beta[1])
        ll += c * math.log(lam) - lam - math.lgamma(c + 1)
    return ll


@case("st07 huber loss with where", args=(np.array([0.3, -0.8, 0.5]), 0.7))
def huber(w, delta):
    r = XS @ w - YS
    quad = 0.5 * r ** 2
    lin = delta * (np.abs(r) - 0.5 * delta)
    return np.sum(np.where(np.abs(r) <= delta, quad, lin))


@case("st08 weighted mean and variance", args=(YS.copy(), np.array([1.0, 2.0, 0.5, 1.5, 1.0])))
def weighted_var(y, w):
    mean = np.average(y, weights=w)
    return np.average((y - mean) ** 2, weights=w)


@case("st09 bayesian linear regression evidence", args=(0.5, 1.2), wrt=(0, 1))
def evidence(alpha, beta):
    A = alpha * np.eye(3) + beta * XS.T @ XS
    m = beta * np.linalg.solve(A, XS.T @ YS)
    sign, logdet = np.linalg.slogdet(A)
    return 0.5 * (3 * np.log(alpha) + 5 * np.log(beta)) - 0.5 * beta * np.sum((YS - XS @ m) ** 2) \
        - 0.5 * alpha * m @ m - 0.5 * logdet


@case("st10 ar(1) likelihood loop", args=(0.6, 0.3))
def ar1(phi, log_s):
    s2 = np.exp(2 * log_s)
    ll = -0.5 * YS[0] ** 2 * (1 - phi ** 2) / s2
    for t in range(1, len(YS)):
        e = YS[t] - phi * YS[t - 1]
        ll += -0.5 * e * e / s2 - 0.5 * np.log(2 * np.pi * s2)
    return ll


@case("st11 student t robust regression", args=(np.array([0.1, 0.2, -0.3]), 3.0))
def student(w, nu):
    r = YS - XS @ w
    return np.sum(math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * np.log(nu * np.pi)
                  - (nu + 1) / 2 * np.log1p(r ** 2 / nu))


# -- machine learning ----------------------------------------------------------------------

class MLP:
    def __init__(self, sizes, seed=0):
        g = np.random.default_rng(seed)
        self.params = {}
        for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.params[f"W{i}"] = g.standard_normal((m, n)) * 0.5
            self.params[f"b{i}"] = np.zeros(n)
        self.n_layers = len(sizes) - 1

    def forward(self, x, params=None):
        params = params or self.params
        h = x
        for i in range(self.n_layers):
            h = h @ params[f"W{i}"] + params[f"b{i}"]
            if i < self.n_layers - 1:
                h = np.tanh(h)
        return h

    def loss(self, W0, x):
        params = dict(self.params)
        params["W0"] = W0
        return np.mean((self.forward(x, params).ravel() - YS) ** 2)


NET = MLP([3, 4, 1])


@case("ml01 mlp class with a params dict", args=(NET.params["W0"].copy(), XS))
def mlp_loss(W0, x):
    return NET.loss(W0, x)


@case("ml02 mlp bound method", args=(NET.params["W0"].copy(), XS))
def mlp_bound(W0, x):
    loss = NET.loss
    return loss(W0, x) * 2.0


@case("ml03 rnn cell loop with a list of states", args=(M33 * 0.3, np.array([0.1, -0.2, 0.3])))
def rnn(Wh, bx):
    h = np.zeros(3)
    states = []
    for t in range(4):
        h = np.tanh(Wh @ h + XS[t] + bx)
        states.append(h)
    H = np.stack(states)
    return np.sum(H[-1]) + 0.1 * np.sum(H ** 2)


@case("ml04 layer norm", args=(XS, np.array([1.0, 0.8, 1.2])))
def layer_norm(x, gamma):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + 1e-5) * gamma
    return np.sum(y * YS[:, None] * np.arange(3))


@case("ml05 attention with einsum", args=(XS, M33 * 0.4))
def attention(x, Wq):
    q = np.einsum("td,de->te", x, Wq)
    k = x
    scores = np.einsum("qd,kd->qk", q, k) / np.sqrt(3)
    w = softmax(scores, axis=-1)
    out = np.einsum("qk,kd->qd", w, x)
    return np.sum(out ** 2)


@case("ml06 cross-entropy with fancy index labels", args=(XS @ M33, 1.0))
def xent(logits, temp):
    z = logits / temp
    z = z - np.max(z, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -logp[np.arange(len(LABELS)), LABELS].mean()


@case("ml07 batch norm train step", args=(XS, np.array([0.1, 0.0, -0.1])))
def batch_norm(x, beta):
    mean = np.mean(x, axis=0)
    var = np.mean((x - mean) ** 2, axis=0)
    xhat = (x - mean) / np.sqrt(var + 1e-5)
    out = xhat * 1.5 + beta
    return np.sum(relu(out) * YS[:, None])


@case("ml08 gru cell", args=(M33 * 0.3, M33 * 0.2))
def gru(Wz, Wr):
    h = np.zeros(3)
    sig = lambda a: 1 / (1 + np.exp(-a))
    for t in range(3):
        z = sig(Wz @ h + XS[t])
        r = sig(Wr @ h - XS[t])
        hh = np.tanh(r * h + XS[t])
        h = (1 - z) * h + z * hh
    return h.sum()


@case("ml09 embedding lookup with repeated ids", args=(rng.standard_normal((4, 3)), np.array([0.5, -0.5, 1.0])))
def embedding(E, w):
    ids = [1, 3, 1, 0, 1]
    vecs = E[ids]
    return np.sum(np.tanh(vecs @ w))


@case("ml10 unrolled sgd training", args=(np.array([0.1, -0.1, 0.2]), 0.05))
def unrolled_sgd(w0, lr):
    w = w0
    for epoch in range(3):
        pred = XS @ w
        grad = 2 * XS.T @ (pred - YS) / len(YS)
        w = w - lr * grad
    return np.mean((XS @ w - YS) ** 2)


@case("ml11 soft k-means assignment", args=(np.array([[0.0, 0.1, 0.0], [0.5, -0.5, 0.2]]), 2.0))
def soft_kmeans(centers, beta):
    d2 = ((XS[:, None, :] - centers[None]) ** 2).sum(-1)
    r = softmax(-beta * d2, axis=1)
    return np.sum(r * d2)


@case("ml12 max pooling by reshape", args=(np.linspace(-1, 1, 8) ** 3 + 0.01 * np.arange(8), 1.0))
def maxpool(x, s):
    pooled = (x * s).reshape(4, 2).max(axis=1)
    return np.sum(pooled ** 2)


@case("ml13 dropout with a fixed mask", args=(P6, 0.5))
def dropout(x, p):
    mask = np.random.default_rng(3).random(x.shape) > p
    return np.sum(np.where(mask, x / (1 - p), 0.0) ** 2)


@case("ml14 hinge loss svm", args=(np.array([0.4, -0.3, 0.2]), 0.1))
def svm(w, lam):
    y = np.sign(YS)
    margins = 1 - y * (XS @ w)
    return np.mean(np.maximum(0, margins)) + lam * np.dot(w, w)


@case("ml15 helper module activations and loss", args=(M33 * 0.5, np.array([0.2, 0.1, 0.0])))
def helper_module(W, b):
    h = nn_utils.leaky(XS @ W + b)
    return nn_utils.mse(h.sum(axis=1), YS) + np.sum(nn_utils.softplus(h))


@case("ml16 binary cross entropy with safe log", args=(np.array([0.2, -0.4, 0.6]), 0.1))
def bce(w, b):
    p = 1 / (1 + np.exp(-(XS @ w + b)))
    t = (YS > 0).astype(float)
    return -np.mean(t * safe_log(p) + (1 - t) * safe_log(1 - p))


# -- geometry ------------------------------------------------------------------------------

@case("ge01 pairwise distances by broadcasting", args=(XS, 1.0))
def pairwise(points, s):
    d = np.sqrt(((points[:, None] - points[None, :]) ** 2).sum(-1) + 1e-9)
    return np.sum(np.triu(d, 1)) * s


@case("ge02 turning angles with arctan2", args=(XS[:, :2].copy(), 1.0))
def turning(path, s):
    seg = np.diff(path, axis=0) * s
    ang = np.arctan2(seg[:, 1], seg[:, 0])
    return np.sum(np.cos(np.diff(ang)))


@case("ge03 normalising rows", args=(XS, np.array([0.2, 0.3, -0.1])))
def normalise(v, d):
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    return np.sum(u @ d)


@case("ge04 shoelace polygon area", args=(np.array([[0.0, 0.0], [2.0, 0.1], [2.2, 1.5], [0.3, 1.8]]), 1.0))
def polygon_area(pts, s):
    x, y = pts[:, 0] * s, pts[:, 1]
    return 0.5 * np.abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


@case("ge05 triangle areas with cross", args=(XS[:3].copy(), 1.0))
def tri_area(tri, s):
    a, b, c = tri
    return 0.5 * np.linalg.norm(np.cross(b - a, c - a)) * s


@case("ge06 rotation matrix from an angle", args=(0.4, XS[:, :2].copy()), wrt=(0, 1))
def rotate(theta, pts):
    c, s = np.cos(theta), np.sin(theta)
    R = np.array([[c, -s], [s, c]])
    return np.sum((pts @ R.T)[:, 0] ** 2)


@case("ge07 closed perimeter with hypot", args=(np.array([[0.0, 0.0], [1.0, 0.2], [1.3, 1.1], [0.1, 0.9]]), 1.0))
def perimeter(pts, s):
    closed = np.vstack([pts, pts[:1]]) * s
    dx, dy = np.diff(closed[:, 0]), np.diff(closed[:, 1])
    return np.hypot(dx, dy).sum()


@case("ge08 point to segment distance with clip", args=(np.array([0.4, 0.7]), np.array([1.5, 0.3])))
def seg_dist(p, b):
    a = np.array([0.0, 0.0])
    ab = b - a
    t = np.clip(np.dot(p - a, ab) / np.dot(ab, ab), 0.0, 1.0)
    closest = a + t * ab
    return np.linalg.norm(p - closest)


@case("ge09 angle between vectors with arccos", args=(np.array([1.0, 0.5, 0.2]), np.array([0.3, 1.0, -0.4])))
def angle(u, v):
    cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    return np.arccos(cos)


# -- signal --------------------------------------------------------------------------------

@case("si01 convolve with a learnt kernel", args=(np.sin(np.arange(8.0)), np.array([0.25, 0.5, 0.25])))
def convolve(signal, kernel):
    out = np.convolve(signal, kernel, mode="same")
    return np.sum(out ** 2)


@case("si02 moving average with cumsum", args=(np.sin(np.arange(9.0) * 0.7), 1.0))
def moving_average(x, s):
    n = 3
    c = np.cumsum(np.insert(x * s, 0, 0.0))
    ma = (c[n:] - c[:-n]) / n
    return np.sum(ma ** 2)


@case("si03 exponential smoothing loop", args=(YS.copy(), 0.3))
def smoothing(y, alpha):
    s = y[0]
    out = [s]
    for v in y[1:]:
        s = alpha * v + (1 - alpha) * s
        out.append(s)
    return np.sum(np.array(out) ** 2)


@case("si04 np.gradient of a profile", args=(np.sin(np.linspace(0, 2, 7)), 0.5))
def profile_gradient(y, w):
    dy = np.gradient(y * w, 0.25)
    return np.sum(dy ** 2)


@case("si05 power spectrum with fft", args=(np.sin(np.arange(8.0) * 0.9) + 0.1 * np.arange(8.0), 1.0))
def spectrum(x, s):
    X = np.fft.rfft(x * s)
    return np.sum(np.abs(X) ** 2)


@case("si06 correlate with a template", args=(np.cos(np.arange(7.0)), np.array([1.0, -0.5, 0.3])))
def correlate(x, t):
    return np.max(np.correlate(x, t, mode="valid") ** 2)


@case("si07 fir filter by hand in a buffer", args=(np.sin(np.arange(7.0)), np.array([0.5, 0.3, 0.2])))
def fir(x, h):
    y = np.zeros(len(x))
    for n in range(len(x)):
        for k in range(len(h)):
            if n - k >= 0:
                y[n] += h[k] * x[n - k]
    return y @ y


@case("si08 linear interpolation", args=(np.array([0.0, 1.0, 0.5, 2.0]), 1.0))
def interp(fp, s):
    xp = np.array([0.0, 1.0, 2.0, 3.0])
    return np.sum(np.interp(np.array([0.5, 1.2, 2.7]) * s, xp, fp) ** 2)


@case("si09 trapezoid integral", args=(np.linspace(0.1, 1.0, 6) ** 2, 0.5))
def trapezoid(y, dx):
    return np.sum((y[1:] + y[:-1]) * dx / 2)


# -- everyday NumPy ------------------------------------------------------------------------

@case("np01 where piecewise", args=(P6, 0.5))
def piecewise(x, w):
    return np.sum(np.where(x > 0, np.sqrt(x + 1e-3) * w, w * x ** 2))


@case("np02 boolean mask sum", args=(P6, 0.5))
def masked(x, w):
    pos = x[x > 0]
    return np.sum(pos ** 2) * w + np.sum(x[x < 0] * w)


@case("np03 sort and trimmed mean", args=(P6, 2.0))
def trimmed(x, w):
    s = np.sort(x * w)
    return s[1:-1].mean()


@case("np04 argmax selection", args=(P6, np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])))
def argmax_select(x, w):
    i = np.argmax(x)
    return x[i] * w[i] + np.sum(x * w)


@case("np05 fancy index with repeats", args=(P6, 0.5))
def fancy(x, w):
    idx = np.array([0, 2, 2, 5])
    return np.sum(x[idx] ** 2 * w)


@case("np06 np.add.at scatter", args=(P6, np.array([1.0, 2.0])))
def scatter(x, w):
    bins = np.array([0, 1, 0, 1, 1, 0])
    acc = np.zeros(2)
    np.add.at(acc, bins, x)
    return np.sum(acc ** 2 * w)


@case("np07 quadratic form x.T @ A @ x", args=(np.array([0.3, -0.2, 0.5]), M33))
def quad_form(x, A):
    return x.T @ A @ x


@case("np08 in-place loop over a zeros buffer", args=(P6, 0.3))
def buffer_loop(x, w):
    out = np.zeros(len(x))
    for i in range(len(x)):
        out[i] = x[i] * w + (out[i - 1] if i > 0 else 0.0)
    return np.sum(out ** 2)


@case("np09 0-d array arguments", args=(np.array(0.4), np.array(1.3)))
def zero_d(a, b):
    return np.sin(a) * b ** 2 + a * b


@case("np10 python list of floats", args=([0.3, -0.2, 0.7], 0.5))
def list_of_floats(xs, w):
    total = 0.0
    for x in xs:
        total += (x - w) ** 2
    return total / len(xs)


@dataclasses.dataclass
class Params:
    a: float
    b: np.ndarray


@case("np11 dataclass parameters", args=(Params(0.5, np.array([0.2, -0.1])), 0.3), wrt=(1,))
def dataclass_params(p, w):
    return p.a * np.sum(np.sin(p.b * w)) + p.a ** 2


def make_model(config):
    def model(x, w):
        h = x * w * config["scale"]
        if config["activation"] == "tanh":
            h = np.tanh(h)
        else:
            h = relu(h)
        return np.sum(h ** 2) + config["l2"] * w ** 2
    return model


closure_model = make_model({"scale": 1.5, "activation": "tanh", "l2": 0.1})
case("np12 closure over a config dict")(closure_model)


def weighted_loss(x, w, power=2, offset=0.0):
    return np.sum(np.abs(x - offset) ** power) * w


partial_loss = functools.partial(weighted_loss, power=3, offset=0.1)
case("np13 functools.partial with keywords")(partial_loss)


@case("np14 int data to a float function", args=(np.array([1, 2, 3]), 0.7), wrt=(1,))
def int_data(counts, w):
    return np.sum(counts * np.log1p(w * counts))


@case("np15 float32 data mixed with float64 weights", args=(P4, 0.7))
def f32_data(x, w):
    data = np.array([1.0, 2.0, 0.5, 1.5], dtype=np.float32)
    return np.sum(np.tanh(data * x) * w)


@case("np16 cumprod and prod", args=(np.array([0.9, 1.1, 0.8, 1.2]), 0.5))
def cumprod(x, w):
    return np.sum(np.cumprod(x)) + w * np.prod(x)


@case("np17 concatenate stack and reshape", args=(P4, np.array([0.5, 1.5])))
def stacking(x, w):
    big = np.concatenate([x, w, x[:2] * w])
    m = big.reshape(2, 4)
    return np.sum(np.stack([m, m * 2]) ** 2)


@case("np18 reversed slices and steps", args=(P6, 0.5))
def reversed_slices(x, w):
    return np.sum(x[::-1] * x) + np.sum(x[::2] * w) - x[-1] * x[-2]


@case("np19 min max along an axis", args=(XS, 0.5))
def minmax(x, w):
    return np.sum(x.max(axis=0)) - w * np.sum(np.min(x, axis=1))


@case("np20 argsort and take", args=(P6, np.arange(6.0)))
def argsort_take(x, w):
    order = np.argsort(x)
    return np.sum(np.take(x, order[-3:]) * w[:3])


@case("np21 builtin max over a list", args=(P4, 0.5))
def builtin_max(x, w):
    vals = [x[i] * w + i for i in range(len(x))]
    return max(vals) + min(vals) + sum(sorted(vals)[1:3])


@case("np22 float and item conversions", args=(P4, 0.5))
def conversions(x, w):
    a = float(x[0])
    b = x[1].item()
    c = x.tolist()
    return a * w + b ** 2 + sum(c) * w


@case("np23 math functions on elements", args=(P4 + 1.0, 0.5))
def math_elements(x, w):
    return math.exp(x[0] * w) + math.sqrt(x[1]) + math.log(x[2] + 1) + math.sin(x[3]) * math.tanh(w)


@case("np24 newton sqrt with a tolerance", args=(2.0, 3.0), wrt=(0, 1))
def newton_sqrt(a, w):
    x = a
    while abs(x * x - a) > 1e-12:
        x = 0.5 * (x + a / x)
    return x * w


@case("np25 polyval", args=(np.array([0.5, -1.0, 2.0]), 0.7))
def polyval(coef, x):
    return np.polyval(coef, x) ** 2


@case("np26 linspace with a learnt endpoint", args=(2.0, 0.5), wrt=(0, 1))
def linspace(end, w):
    t = np.linspace(0.0, end, 5)
    return np.sum(np.sin(t * w))


@case("np27 outer, trace and diag", args=(np.array([0.3, 0.5, -0.2]), 0.5))
def outer_trace(v, w):
    A = np.outer(v, v) + w * np.eye(3)
    return np.trace(A @ A) + np.sum(np.diag(A) * v)


@case("np28 det and inverse", args=(M33, 0.2))
def det_inv(A, w):
    return np.linalg.det(A + w * np.eye(3)) + np.sum(np.linalg.inv(A))


@case("np29 abs power and sign", args=(P6, 1.5))
def abs_sign(x, p):
    return np.sum(np.abs(x) ** p * np.sign(x)) + np.sum(x ** -2) * 0.01


@case("np30 tile and repeat", args=(np.array([0.2, 0.5]), 0.3))
def tile_repeat(x, w):
    return np.sum(np.tile(x, 3) * np.arange(6)) + np.sum(np.repeat(x, 2) ** 2) * w


@case("np31 try except around a log", args=(P4, 0.5))
def try_log(x, w):
    total = 0.0
    for v in x:
        try:
            if v <= 0:
                raise ValueError("nonpositive")
            total += math.log(v) * w
        except ValueError:
            total += v * w
    return total


@case("np32 recursion", args=(1.1, 0.5), wrt=(0, 1))
def recursive(x, w):
    def power(b, n):
        if n == 0:
            return 1.0
        return b * power(b, n - 1)
    return power(x, 4) + w * power(w, 2)


@case("np33 staticmethod and classmethod", args=(P4, 0.5))
def static_class(x, w):
    return Shapes.area(x, w) + Shapes.scaled(x)


class Shapes:
    factor = 2.0

    @staticmethod
    def area(x, w):
        return np.sum(x ** 2) * w

    @classmethod
    def scaled(cls, x):
        return cls.factor * np.sum(np.sin(x))


@case("np34 floor and modulo wrap", args=(P4 * 3, 0.5))
def wrap(x, w):
    frac = x - np.floor(x)
    return np.sum(np.sin(frac * w)) + np.sum((x % 1.0) ** 2)


@case("np35 zip and enumerate in a comprehension", args=(P4, np.array([1.0, 0.5, 0.2, 0.1])))
def zip_enum(x, w):
    return sum(i * a * b for i, (a, b) in enumerate(zip(x, w)))


@case("np36 grid of differences by broadcasting", args=(np.array([0.1, 0.5, 0.9]), 0.5))
def grid(xs, w):
    X, Y = xs[None, :], (xs * w)[:, None]
    return np.sum(np.exp(-(X - Y) ** 2))


@case("np37 np.power both differentiated", args=(np.array([1.2, 0.8, 1.5]), np.array([0.5, 2.0, 1.3])))
def power_both(x, w):
    return np.sum(np.power(x, w))


@case("np38 einsum trace and batch matmul", args=(rng.standard_normal((2, 3, 3)), M33))
def einsum_batch(T, A):
    return np.einsum("bii->", T @ A) + np.einsum("bij,jk,bik->", T, A, T)


@case("np39 eigh smallest eigenvalue", args=(M33, 0.5))
def eigh(A, w):
    S = (A + A.T) / 2 + w * np.eye(3)
    vals, vecs = np.linalg.eigh(S)
    return vals[0] + vals[-1] ** 2


@case("np40 keepdims normalisation and var ddof", args=(XS, 1.0))
def var_ddof(x, w):
    z = (x - x.mean(axis=0, keepdims=True)) / x.std(axis=0, ddof=1, keepdims=True)
    return np.sum(z * w * XS)


# -- more of NumPy, SciPy and Python -------------------------------------------------------

@case("c01 gp marginal likelihood with cholesky", args=(0.4, -0.2), wrt=(0, 1))
def gp(log_ell, log_sf):
    x = XS[:, 0]
    d2 = (x[:, None] - x[None, :]) ** 2
    K = np.exp(2 * log_sf) * np.exp(-0.5 * d2 / np.exp(2 * log_ell)) + 0.1 * np.eye(5)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, YS))
    return -0.5 * YS @ alpha - np.sum(np.log(np.diag(L)))


@case("c02 max drawdown with maximum.accumulate", args=(np.array([0.01, -0.02, 0.015, -0.03, 0.02]), 1.0))
def drawdown(rets, lev):
    wealth = np.cumprod(1 + lev * rets)
    peak = np.maximum.accumulate(wealth)
    return np.max((peak - wealth) / peak)


@case("c03 lstsq fit residual", args=(XS, 1.0))
def lstsq(A, s):
    coef, *_ = np.linalg.lstsq(A, YS * s, rcond=None)
    return np.sum((A @ coef - YS) ** 2)


@case("c04 svd nuclear norm", args=(XS, 1.0))
def nuclear(A, s):
    u, sv, vt = np.linalg.svd(A * s, full_matrices=False)
    return np.sum(sv)


@case("c06 itertools.accumulate running sum", args=(P4, 0.5))
def running(x, w):
    return sum(v ** 2 for v in itertools.accumulate(x * w))


@case("c07 map math.exp over a list", args=([0.1, 0.2, 0.3], 0.5))
def map_exp(xs, w):
    return sum(map(math.exp, [v * w for v in xs]))


@case("c08 in-place relu on a copy", args=(P6, 0.5))
def inplace_relu(x, w):
    h = x.copy() * w
    h[h < 0] = 0
    return np.sum(h ** 2) + np.sum(x)


@case("c09 fill_diagonal on a kernel", args=(XS[:, 0].copy(), 0.5))
def fill_diag(x, w):
    K = np.exp(-(x[:, None] - x[None]) ** 2 * w)
    np.fill_diagonal(K, 0.0)
    return K.sum()


@case("c10 out= keyword", args=(P6, 0.5))
def out_kw(x, w):
    buf = np.empty_like(x)
    np.multiply(x, w, out=buf)
    np.exp(buf, out=buf)
    return buf.sum()


@case("c11 clip method and heaviside", args=(P6, 0.5))
def clip_method(x, w):
    return np.sum(x.clip(0) * w) + np.sum(np.heaviside(x, 0.5) * x ** 2)


@case("c12 logaddexp and tensordot", args=(M33, np.array([0.2, -0.1, 0.4])))
def logadd(A, v):
    return np.sum(np.logaddexp(A, v)) + np.tensordot(A, np.outer(v, v), axes=2)


@case("c14 property on a class", args=(P4, 0.5))
def with_property(x, w):
    c = Circle(w)
    return c.area * np.sum(x ** 2)


class Circle:
    def __init__(self, r):
        self.r = r

    @property
    def area(self):
        return math.pi * self.r ** 2


@case("c15 walrus and chained comparison", args=(P6, 0.5))
def walrus(x, w):
    total = 0.0
    for v in x:
        if -0.3 < (y := v * w) < 0.3:
            total += y ** 2
        else:
            total += y
    return total


@case("c16 match on a string option", args=(P4, 0.5))
def matcher(x, w, kind="l2"):
    match kind:
        case "l1":
            return np.sum(np.abs(x)) * w
        case "l2":
            return np.sum(x ** 2) * w
        case _:
            return 0.0


def batches(x, n):
    for i in range(0, len(x), n):
        yield x[i:i + n]


@case("c17 generator of batches", args=(P6, 0.5))
def gen_batches(x, w):
    return sum(np.sum(b ** 2) * w for b in batches(x, 2))


@case("c18 sum builtin over rows", args=(XS, 0.5))
def sum_rows(A, w):
    return np.sum(sum(A) * w) + sum(sum(A ** 2))


@case("c19 nanmean and nan_to_num", args=(P6, 0.5))
def nan_stats(x, w):
    y = np.where(x > 0.65, np.nan, x * w)
    return np.nanmean(y) + np.nansum(y ** 2) + np.sum(np.nan_to_num(np.log(x + 0.3)))


@case("c20 median and percentile", args=(P6 + 0.01 * np.arange(6), 0.5))
def median(x, w):
    return np.median(x * w) + np.percentile(x, 75) + np.quantile(x, 0.1)


@case("c21 covariance and correlation", args=(XS, 0.5))
def covariance(R, w):
    C = np.cov(R, rowvar=False)
    rho = np.corrcoef(R.T)
    return np.sum(C) * w + rho[0, 1]


@case("c22 pad then convolve valid", args=(np.sin(np.arange(6.0)), np.array([0.2, 0.6, 0.2])))
def pad_conv(x, k):
    xp = np.pad(x, 1, mode="edge")
    return np.sum(np.convolve(xp, k, mode="valid") ** 2)


@case("c23 flip rot90 and roll", args=(M33, 0.5))
def flips(A, w):
    return np.sum(np.flip(A, 0) * A) + np.sum(np.rot90(A) * w * A) + np.sum(np.roll(A, 1, axis=1) * A)


@case("c24 matrix_power and pinv", args=(M33 * 0.5, 0.5))
def mpower(A, w):
    return np.sum(np.linalg.matrix_power(A, 3)) + w * np.sum(np.linalg.pinv(A))


@case("c25 scipy expit logsumexp gammaln norm", args=(P4, 1.5))
def scipy_mix(x, t):
    return np.sum(expit(x * t)) + logsumexp(x * t) + np.sum(gammaln(t + x ** 2)) + np.sum(norm.logpdf(x, 0.1, t))


@case("c26 select and piecewise", args=(P6 + 0.05, 0.5))
def select(x, w):
    return np.sum(np.select([x < -0.3, x < 0.3], [x * w, x ** 2], default=np.sin(x)))


@case("c28 expand_dims squeeze swapaxes moveaxis", args=(rng.standard_normal((2, 3, 1)), 0.5))
def axes(T, w):
    a = np.squeeze(T, -1)
    b = np.expand_dims(a, 0) * w
    c = np.swapaxes(b, 1, 2)
    d = np.moveaxis(c, 0, -1)
    return np.sum(d ** 2 * np.arange(3)[:, None, None])


@case("c29 newaxis broadcast_to flatten", args=(P4, np.array([0.5, 1.5, -0.5])))
def newaxis(x, w):
    M = x[:, np.newaxis] * w[None, :]
    B = np.broadcast_to(w, (4, 3))
    return np.sum(M.flatten() ** 2) + np.sum(B * M)


@case("c30 tril and triu masks", args=(M33, 0.5))
def trimasks(A, w):
    L = np.tril(A)
    return np.sum(L @ L.T) + w * np.sum(np.triu(A, 1) ** 2)


@case("c31 gradient descent to convergence", args=(1.5, 0.3), wrt=(0, 1))
def descend(a, b):
    x = 0.0
    for _ in range(200):
        g = 2 * (x - a) + b * x
        x -= 0.1 * g
        if abs(g) < 1e-10:
            break
    return x


@case("c32 integer division and modulo on floats", args=(P4 * 4 + 0.1, 0.5))
def intdiv(x, w):
    return np.sum((x // 1.0) * x * w) + np.sum(np.mod(x, 2.0) ** 2)


@case("c34 diff n=2 cumsum axis", args=(XS, 0.5))
def diffs(A, w):
    return np.sum(np.diff(A, n=2, axis=0) ** 2) + w * np.sum(np.cumsum(A, axis=1))


@case("c35 norm orders", args=(P6, 0.5))
def norms(x, w):
    return np.linalg.norm(x, 1) + np.linalg.norm(x, np.inf) * w + np.linalg.norm(x) + np.linalg.norm(x.reshape(2, 3), "fro")


@case("c36 matmul in place operator", args=(np.array([0.3, 0.6]), 0.5))
def imatmul(x, w):
    F = np.array([[1.0, w], [0.0, 1.0]])
    for _ in range(3):
        x = x @ F
    y = x.copy()
    y *= w
    y += 1.0
    y **= 2
    return y.sum()


@case("c37 einsum with the same operand twice", args=(XS, 0.5))
def einsum_same(A, w):
    return np.einsum("ij,ij->", A, A) * w + np.einsum("ij,ik->jk", A, A).trace()


@case("c41 ptp and average over an axis", args=(XS, np.array([1.0, 2.0, 3.0])))
def ptp_avg(A, wts):
    return np.sum(np.ptp(A, axis=0)) + np.sum(np.average(A, axis=1, weights=wts))


@case("c44 np.sum with where", args=(P6, 0.5))
def sum_where(x, w):
    return np.sum(x * w, where=x > 0) + np.mean(x ** 2, where=x < 0.5)


@case("c45 cumsum softmax sampling inverse cdf", args=(P4, 0.5))
def inv_cdf(logits, w):
    p = np.exp(logits) / np.sum(np.exp(logits))
    c = np.cumsum(p)
    u = 0.6
    k = np.searchsorted(c, u)
    return np.log(p[k]) * w + np.sum(c)


# -- models, optimisers and bookkeeping --------------------------------------------------

class Layer:
    def __init__(self, n_in, n_out, act="tanh"):
        g = np.random.default_rng(n_in * 10 + n_out)
        self.W = g.standard_normal((n_in, n_out)) * 0.5
        self.b = np.zeros(n_out)
        self.act = act

    def __call__(self, x):
        z = x @ self.W + self.b
        return np.tanh(z) if self.act == "tanh" else np.maximum(z, 0)


class Net:
    def __init__(self):
        self.layers = [Layer(3, 4), Layer(4, 2, "relu"), Layer(2, 1)]

    def predict(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def loss(self, x, scale):
        return scale * np.mean((self.predict(x).ravel() - YS) ** 2)


DEEP_NET = Net()


@case("e01 method of a model object", args=(XS, 1.0))
def net_loss(x, scale):
    return DEEP_NET.loss(x, scale)


@dataclasses.dataclass
class Config:
    lr: float = 0.1
    steps: int = 5
    momentum: float = 0.9


CFG = Config()


@case("e03 momentum optimiser with a dataclass config", args=(np.array([1.0, -0.5]), 0.3))
def momentum_opt(w0, c):
    w = w0
    v = np.zeros_like(w)
    history = []
    for step in range(CFG.steps):
        grad = 2 * (w - c) + 0.1 * w ** 3
        v = CFG.momentum * v - CFG.lr * grad
        w = w + v
        history.append(np.sum((w - c) ** 2))
    return history[-1] + 0.1 * sum(history)


@case("e04 list of param arrays zipped with grads", args=(np.array([0.5, -0.2]), 0.05))
def sgd_lists(w, lr):
    params = [w, w * 2, np.ones(2)]
    for _ in range(2):
        grads = [2 * p for p in params]
        params = [p - lr * g for p, g in zip(params, grads)]
    return sum(np.sum(p ** 2) for p in params)


@case("e05 dict of params updated in a loop", args=(np.array([0.5, -0.2]), 0.1))
def dict_params(w, b):
    params = {"w": w, "b": b}
    for _ in range(3):
        pred = XS[:, :2] @ params["w"] + params["b"]
        err = pred - YS
        grads = {"w": XS[:, :2].T @ err / 5, "b": err.mean()}
        for k in params:
            params[k] = params[k] - 0.1 * grads[k]
    return np.mean((XS[:, :2] @ params["w"] + params["b"] - YS) ** 2)


@case("e06 accumulate losses into a list then np.mean", args=(P4, 0.5))
def losses_list(x, w):
    losses = []
    for i in range(len(x)):
        losses.append((x[i] - w) ** 2)
    return np.mean(losses) + np.std(losses)


@case("e07 early stopping break", args=(0.5, 0.3))
def early_stop(x, lr):
    prev = float("inf")
    for it in range(100):
        loss = (x - 2.0) ** 2
        if prev - loss < 1e-3:
            break
        prev = loss
        x = x - lr * 2 * (x - 2.0)
    return loss


@case("e08 nested function with nonlocal counter", args=(P4, 0.5))
def nonlocal_counter(x, w):
    calls = 0
    def f(v):
        nonlocal calls
        calls += 1
        return np.sin(v * w)
    total = f(x) + f(x * 2)
    return np.sum(total) * calls


@case("e09 string-keyed activation table", args=(P4, 0.5))
def act_table(x, w):
    acts = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sig": lambda z: 1 / (1 + np.exp(-z))}
    return sum(np.sum(acts[k](x * w)) for k in ["relu", "tanh", "sig"])


@case("e11 in-place normalisation of a copy", args=(XS, 1.0))
def inplace_norm(X, s):
    Z = X.copy()
    Z -= Z.mean(axis=0)
    Z /= Z.std(axis=0)
    Z *= s
    return np.sum(Z * XS)


@case("e12 running statistics buffer", args=(YS.copy(), 0.3))
def running_stats(y, alpha):
    mean = np.zeros(len(y))
    var = np.zeros(len(y))
    for t in range(1, len(y)):
        diff = y[t] - mean[t - 1]
        mean[t] = mean[t - 1] + alpha * diff
        var[t] = (1 - alpha) * (var[t - 1] + alpha * diff ** 2)
    return np.sum(var) + mean[-1]


@case("e13 softmax over a python list of scores", args=([0.2, 1.0, -0.5], 1.0))
def list_softmax(scores, t):
    exps = [math.exp(s / t) for s in scores]
    total = sum(exps)
    probs = [e / total for e in exps]
    return -math.log(probs[1])


@case("e14 tuple unpacking of a params tuple", args=((np.array([0.5, 0.2]), 0.1), 0.5), wrt=(1,))
def tuple_params(params, x):
    W, b = params
    return np.sum(np.tanh(W * x + b))


@case("e16 sorted by key with lambda", args=(P4, 0.5))
def sorted_key(x, w):
    pairs = sorted(zip(x, range(len(x))), key=lambda p: p[0])
    return sum(v * w ** i for i, (v, _) in enumerate(pairs))


@case("e19 np.linalg.norm of differences in a loop with min", args=(XS, np.array([0.1, 0.2, 0.3])))
def nearest(X, q):
    best = None
    for row in X:
        d = np.linalg.norm(row - q)
        if best is None or d < best:
            best = d
    return best


# -- objects: frozen dataclasses, callable classes, inheritance ----------------------------

@dataclasses.dataclass(frozen=True)
class State:
    pos: np.ndarray
    vel: np.ndarray

    def step(self, dt, k):
        acc = -k * self.pos
        return State(self.pos + dt * self.vel, self.vel + dt * acc)

    def energy(self, k):
        return 0.5 * np.sum(self.vel ** 2) + 0.5 * k * np.sum(self.pos ** 2)


@case("g01 frozen dataclass state stepped by a method", args=(P4, 1.3))
def frozen_state(x0, k):
    s = State(x0, np.zeros_like(x0))
    for _ in range(10):
        s = s.step(0.05, k)
    return s.energy(k)


class Polynomial:
    def __init__(self, coefs):
        self.coefs = list(coefs)

    def __call__(self, x):
        return sum(c * x ** i for i, c in enumerate(self.coefs))

    def derivative(self):
        return Polynomial([i * c for i, c in enumerate(self.coefs)][1:])


@case("g02 polynomial class with derivative method", args=(np.array([0.5, -1.0, 2.0]), 0.7))
def poly_class(coefs, x):
    p = Polynomial(coefs)
    return p(x) ** 2 + p.derivative()(x)


class Kalman:
    def __init__(self, q, r):
        self.q, self.r = q, r

    def update(self, m, P, z):
        P = P + self.q
        K = P / (P + self.r)
        return m + K * (z - m), (1 - K) * P


@case("g04 kalman object whose methods return new state", args=(0.2, 0.5))
def kalman_obj(q, r):
    kf = Kalman(q, r)
    m, P = 0.0, 1.0
    for z in [0.3, 0.1, 0.4, 0.35]:
        m, P = kf.update(m, P, z)
    return m + P


@case("g07 inheritance with super", args=(P4, 0.5))
def inherit(x, w):
    return np.sum(Child(w)(x))


class Base:
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        return np.tanh(self.w * x)


class Child(Base):
    def __call__(self, x):
        return super().__call__(x) ** 2 + self.w


@case("g08 enumerate over array rows with early continue", args=(np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.6]]), 0.5))
def rows_continue(X, w):
    total = 0.0
    for i, row in enumerate(X):
        if row[0] < 0:
            continue
        total += np.dot(row, row) * w ** i
    return total


@case("g10 matrix built row by row with vstack", args=(P4, 0.5))
def vstack_rows(x, w):
    rows = []
    for k in range(3):
        rows.append(x * w ** k)
    M = np.vstack(rows)
    return np.sum(M @ M.T)


# -- array outputs (vjp, jvp, jacobian) -----------------------------------------------------

@array_case("ar01 softmax vector", args=(P4, 1.5))
def softmax_vec(x, t):
    return softmax(x * t)


@array_case("ar02 verlet trajectory rows into a buffer", args=(np.array([1.0, 0.0]), 1.3))
def trajectory(y0, k):
    out = np.zeros((5, 2))
    x, v = y0
    for i in range(5):
        v = v - k * x * 0.1
        x = x + v * 0.1
        out[i] = [x, v]
    return out.ravel()


@array_case("ar03 mlp outputs", args=(NET.params["W0"].copy(), XS))
def mlp_out(W0, x):
    params = dict(NET.params, W0=W0)
    return NET.forward(x, params).ravel()


@array_case("ar04 rotated points", args=(0.3, XS[:, :2].copy()), wrt=(0, 1))
def rotated(theta, pts):
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return (pts @ R.T).ravel()


@array_case("ar05 moving average vector", args=(np.sin(np.arange(7.0)), 1.0))
def ma_vec(x, s):
    c = np.cumsum(x * s)
    c[3:] = c[3:] - c[:-3]
    return c[2:] / 3


@array_case("ar06 list of floats to array", args=([0.3, 0.5, -0.1], 0.5))
def list_out(xs, w):
    return np.array([x * w for x in xs]) ** 2


@array_case("ar07 add.at histogram of weights", args=(P6, 0.5))
def hist(x, w):
    out = np.zeros(3)
    np.add.at(out, [0, 1, 1, 2, 0, 2], x * w)
    return out


@array_case("ar08 kalman state vector", args=(np.array([0.5, -0.2]), 0.3))
def kalman_vec(x, q):
    F = np.array([[1.0, 0.1], [0.0, 1.0]])
    P = np.eye(2) * (1 + q)
    for z in (0.2, 0.4):
        x = F @ x
        K = P[:, 0] / (P[0, 0] + 0.5)
        x = x + K * (z - x[0])
        P = P - np.outer(K, P[0])
    return x
