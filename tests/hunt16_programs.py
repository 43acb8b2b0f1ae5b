"""Programs of the sixteenth acceptance hunt: everyday numerical Python from statistics,
machine learning, optimisation, simulation and geometry, written as a practitioner
would (Gaussian-process likelihoods through a Cholesky factor, an EM step for a mixture,
reparameterised variational inference, HMC leapfrog steps, the L-BFGS two-loop
recursion, a backtracking line search, regularised regressions, convolution and
pooling, normalisation layers, recurrent cells over a sequence, particle energies, a
heat-equation stencil, forward kinematics, ray casting, total variation, polygon
geometry, robust losses, masked attention, Monte-Carlo estimates with a fixed seed,
clipped physics). Every entry of CASES is (name, f, args, wrt): astgrad must give
Python's derivative, or refuse. Used by tests/test_hunt16_programs.py."""

import math

import numpy as np

from program_cases import case_table

try:
    from scipy import linalg as sla, special
except ImportError:         # the SciPy programs are left out
    sla = special = None

X3 = np.array([0.3, -0.4, 0.9])
X5 = np.array([0.3, -0.4, 0.9, 0.1, -0.65])
X6 = np.array([0.3, -0.4, 0.9, 0.1, -0.25, 0.6])
X43 = np.array([[0.3, -0.4, 0.9], [0.1, 0.2, -0.5], [-0.7, 0.4, 0.05], [0.6, -0.1, 0.3]])
IMG = np.array([[0.3, -0.4, 0.9, 0.1], [0.15, 0.2, -0.5, 0.7],
                [-0.7, 0.4, 0.05, -0.2], [0.6, -0.1, 0.35, 0.45]])
CASES, case = case_table((X3, 0.8))


# -- Gaussian processes, mixtures, sampling -------------------------------------------


def rbf(a, b, ell):
    d = a[:, None] - b[None, :]
    return np.exp(-0.5 * d ** 2 / ell ** 2)


Y5 = np.array([0.2, -0.1, 0.4, 0.0, 0.3])


@case("g01 GP log marginal likelihood through np.linalg.cholesky and two triangular solves", (X5, 0.8))
def g01(x, w):
    K = rbf(x, x, w) + 0.1 * np.eye(len(x))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, Y5))
    return -0.5 * Y5 @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * len(x) * np.log(2 * np.pi)


@case("g02 GP evidence with slogdet and solve, noise a softplus of w", (X5, 0.8))
def g02(x, w):
    noise = np.log1p(np.exp(w))
    K = rbf(x, x, 0.7) + noise * np.eye(5)
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * (Y5 @ np.linalg.solve(K, Y5) + logdet)


if sla is not None:
    @case("g03 GP predictive mean with scipy.linalg cho_factor / cho_solve", (X5, 0.8))
    def g03(x, w):
        K = rbf(x, x, w) + 0.1 * np.eye(5)
        c, low = sla.cho_factor(K, lower=True)
        alpha = sla.cho_solve((c, low), Y5)
        xs = np.array([0.0, 0.5])
        return np.sum(rbf(xs, x, w) @ alpha)


DATA = np.array([-1.2, -0.8, 0.1, 0.5, 1.4, 1.9])


@case("m01 Gaussian-mixture EM step: responsibilities by a hand logsumexp, then new means", (np.array([-0.5, 1.0]), 0.8))
def m01(mu, w):
    logw = np.log(np.array([0.4, 0.6]))
    lp = logw[None, :] - 0.5 * ((DATA[:, None] - mu[None, :]) / w) ** 2 - np.log(w)
    m = lp.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(lp - m).sum(axis=1, keepdims=True))
    r = np.exp(lp - lse)
    nk = r.sum(axis=0)
    new_mu = (r * DATA[:, None]).sum(axis=0) / nk
    return np.sum(new_mu ** 2) + np.sum(lse)


def potential(q):
    return 0.5 * q @ q + 0.25 * np.sum(q ** 4)


def potential_grad(q):
    return q + q ** 3


@case("h01 HMC leapfrog steps with a hand-written potential gradient, Hamiltonian at the end")
def h01(q, w):
    p = np.array([0.5, -0.2, 0.1])
    p = p - 0.5 * w * potential_grad(q)
    for i in range(3):
        q = q + w * p
        if i != 2:
            p = p - w * potential_grad(q)
    p = p - 0.5 * w * potential_grad(q)
    return potential(q) + 0.5 * p @ p


if special is not None:
    @case("m02 mixture log-likelihood with scipy.special.logsumexp over axis 1 and weights", (np.array([-0.5, 1.0]), 0.8))
    def m02(mu, w):
        logits = np.array([0.2, -0.1]) * w
        logpi = logits - special.logsumexp(logits)
        comp = -0.5 * ((DATA[:, None] - mu) / w) ** 2 - np.log(w * np.sqrt(2 * np.pi))
        return special.logsumexp(comp + logpi, axis=1).sum()


# -- optimisation, variational inference, regression ----------------------------------


A33 = np.array([[3.0, 0.5, 0.1], [0.5, 2.0, 0.3], [0.1, 0.3, 1.5]])


def lbfgs_direction(g, s_list, y_list):
    q = g.copy()
    alphas = []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        rho = 1.0 / (y @ s)
        a = rho * (s @ q)
        alphas.append(a)
        q = q - a * y
    gamma = (s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1])
    r = gamma * q
    for (s, y), a in zip(zip(s_list, y_list), reversed(alphas)):
        rho = 1.0 / (y @ s)
        b = rho * (y @ r)
        r = r + s * (a - b)
    return -r


@case("l01 L-BFGS two-loop recursion over lists of (s, y) pairs, three steps")
def l01(x, w):
    grad = lambda p: A33 @ p * w + p ** 3
    s_list, y_list = [], []
    g = grad(x)
    x = x - 0.1 * g
    for _ in range(3):
        g_new = grad(x)
        if s_list:
            d = lbfgs_direction(g_new, s_list, y_list)
        else:
            d = -g_new
        x_new = x + 0.2 * d
        s_list.append(x_new - x)
        y_list.append(grad(x_new) - g_new)
        x = x_new
    return np.sum(x ** 2)


@case("v01 reparameterised ELBO: z = mu + exp(log_sigma) * eps, eps from a fixed RandomState", (X3, 0.8))
def v01(mu, w):
    rs = np.random.RandomState(0)
    eps = rs.randn(8, 3)
    z = mu + np.exp(w) * eps
    log_p = -0.5 * np.sum(z ** 2, axis=1)
    log_q = -0.5 * np.sum(eps ** 2, axis=1) - 3 * w
    return np.mean(log_p - log_q)


@case("l02 gradient step with a backtracking (Armijo) line search in a while loop")
def l02(x, w):
    def f(p):
        return 0.5 * p @ A33 @ p + w * np.sum(np.cos(p))
    g = A33 @ x - w * np.sin(x)
    t = 1.0
    while f(x - t * g) > f(x) - 0.3 * t * (g @ g):
        t *= 0.5
    return f(x - t * g)


XD = np.array([[0.5, -1.0, 0.3], [1.2, 0.4, -0.7], [-0.3, 0.8, 1.1], [0.9, -0.2, 0.4], [-1.1, 0.6, -0.5]])
YPM = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
LABELS = np.array([0, 2, 1, 2, 0])


@case("r01 logistic regression with elastic-net penalty (np.abs and squares), labels in {-1, 1}")
def r01(beta, w):
    margins = YPM * (XD @ beta)
    loss = np.mean(np.logaddexp(0.0, -margins))
    return loss + w * (0.5 * np.sum(np.abs(beta)) + 0.5 * np.sum(beta ** 2))


@case("r02 softmax regression: weights reshaped from a flat vector, log-softmax, fancy-indexed NLL", (np.linspace(-0.4, 0.5, 9), 0.8))
def r02(theta, w):
    W = theta.reshape(3, 3)
    logits = XD @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    nll = -logp[np.arange(len(LABELS)), LABELS].mean()
    return nll + w * np.sum(W ** 2)


@case("v02 full-rank VI: a Cholesky factor filled by np.tril_indices, its diagonal exp'd through L.diagonal()", (X6, 0.8))
def v02(params, w):
    L = np.zeros((3, 3))
    L[np.tril_indices(3)] = params
    L[np.diag_indices(3)] = np.exp(L.diagonal())
    eps = np.random.RandomState(0).randn(5, 3)
    z = w + eps @ L.T
    return np.mean(-0.5 * np.sum(z ** 2, axis=1)) + np.sum(np.log(np.diag(L)))


if special is not None:
    @case("r03 probit regression: scipy.special.log_ndtr of the margins, ndtr for a predicted probability")
    def r03(beta, w):
        margins = YPM * (XD @ beta) * w
        return np.sum(special.log_ndtr(margins)) + special.ndtr(XD[0] @ beta)


# -- convolution, pooling, normalisation, recurrent cells -----------------------------


@case("c01 1-D convolution with sliding_window_view and a kernel depending on w", (X6, 0.8))
def c01(x, w):
    k = np.array([w, 1.0 - w, 0.5])
    win = np.lib.stride_tricks.sliding_window_view(x, 3)
    y = win @ k[::-1]
    return np.sum(np.tanh(y))


def conv2d(x, k):
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * k)
    return out


@case("c04 a small CNN: conv2d loops, ReLU, global max pool, dense layer", (IMG, 0.8))
def c04(img, w):
    kernels = [np.array([[1.0, -1.0], [0.5, w]]), np.array([[w, 0.2], [-0.3, 1.0]])]
    feats = []
    for k in kernels:
        h = np.maximum(conv2d(img, k) + 0.05, 0.0)
        feats.append(h.max())
    feats = np.array(feats)
    return float(np.array([0.7, -1.2]) @ feats)


@case("c02 np.convolve 'full' against np.correlate 'valid' of the same signal", (X6, 0.8))
def c02(x, w):
    k = np.array([1.0, -w, 0.5])
    return np.sum(np.convolve(x, k) ** 2) + np.sum(np.correlate(x, k, mode="valid"))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


WX = np.array([[0.2, -0.1, 0.4, 0.3, -0.2, 0.1, 0.05, -0.3], [0.1, 0.3, -0.2, 0.2, 0.4, -0.1, 0.2, 0.1],
               [-0.3, 0.2, 0.1, -0.4, 0.1, 0.3, -0.2, 0.2]])
WH = np.array([[0.1, 0.2, -0.1, 0.3, 0.2, -0.2, 0.1, 0.0], [-0.2, 0.1, 0.3, 0.1, -0.1, 0.2, 0.3, -0.1]])


@case("s01 an LSTM cell over a sequence, gates split with np.split", (X43, 0.8))
def s01(xs, w):
    h, c = np.zeros(2), np.zeros(2)
    for x in xs:
        z = x @ WX + h @ WH * w
        i, f, o, g = np.split(z, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    return np.sum(h ** 2) + np.sum(c)


@case("n02 layer norm with keepdims and np.std, residual connection", (X43, 0.8))
def n02(h, w):
    z = h + np.sin(h * w)
    mu = z.mean(-1, keepdims=True)
    sd = z.std(-1, keepdims=True)
    return np.sum(((z - mu) / (sd + 1e-6)) * X43)


@case("s02 a GRU cell over a sequence with a tuple of parameter matrices", (X43, 0.8))
def s02(xs, w):
    params = (WX[:, :2] * w, WX[:, 2:4], WX[:, 4:6], WH[:, :2], WH[:, 2:4], WH[:, 4:6])
    Wz, Wr, Wn, Uz, Ur, Un = params
    h = np.zeros(2)
    hs = []
    for x in xs:
        zt = sigmoid(x @ Wz + h @ Uz)
        rt = sigmoid(x @ Wr + h @ Ur)
        nt = np.tanh(x @ Wn + (rt * h) @ Un)
        h = (1 - zt) * nt + zt * h
        hs.append(h)
    return np.sum(np.stack(hs) * np.arange(1, 5)[:, None])


@case("n01 batch norm over axis 0 with gamma/beta, then a ReLU-free MLP", (X43, 0.8))
def n01(h, w):
    mu = h.mean(axis=0)
    var = ((h - mu) ** 2).mean(axis=0)
    hn = (h - mu) / np.sqrt(var + 1e-5)
    out = w * hn + 0.1
    return np.sum(np.tanh(out @ np.array([0.3, -0.5, 0.8])))


@case("c03 2x2 max pooling and average pooling by reshape", (IMG, 0.8))
def c03(img, w):
    blocks = (img * w).reshape(2, 2, 2, 2).swapaxes(1, 2)
    mx = blocks.max(axis=(2, 3))
    av = blocks.mean(axis=(2, 3))
    return np.sum(mx * av) + np.sum(mx)


# -- particles and fields -------------------------------------------------------------


POS = np.array([[0.0, 0.1], [1.0, 0.3], [0.2, 1.4], [1.3, 1.1]])


@case("p01 N-body total energy, vectorised pair distances with triu_indices", (POS, np.array([0.3, -0.2, 0.1, 0.4, 0.0, -0.1, 0.2, 0.3])))
def p01(pos, w):
    m = np.array([1.0, 2.0, 1.5, 0.5])
    v = w.reshape(4, 2)
    kinetic = 0.5 * np.sum(m * np.sum(v ** 2, axis=1))
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1))
    iu = np.triu_indices(4, k=1)
    potential = -np.sum((m[:, None] * m[None, :])[iu] / r[iu])
    return kinetic + potential


@case("p02 spring-mass chain: energy with np.diff and rest lengths, velocity Verlet steps", (X5, 0.8))
def p02(x, w):
    v = np.zeros_like(x)
    pos = x + np.arange(5)
    dt = 0.05
    def force(p):
        ext = np.diff(p) - 1.0
        f = np.zeros_like(p)
        f[:-1] += w * ext
        f[1:] -= w * ext
        return f
    a = force(pos)
    for _ in range(3):
        pos = pos + v * dt + 0.5 * a * dt ** 2
        a_new = force(pos)
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
    return 0.5 * np.sum(v ** 2) + 0.5 * w * np.sum((np.diff(pos) - 1.0) ** 2)


@case("p04 Lennard-Jones energy and a cutoff through np.where on a distance matrix", (POS, 0.8))
def p04(pos, w):
    n = len(pos)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2) + np.eye(n)
    sr6 = (w / d) ** 6
    e = 4 * (sr6 ** 2 - sr6)
    e = np.where((d < 2.5) & ~np.eye(n, dtype=bool), e, 0.0)
    return 0.5 * e.sum()


@case("p03 explicit heat-equation stencil updating u[1:-1] in place with fixed ends", (X6, 0.8))
def p03(u0, w):
    u = u0.copy()
    r = 0.2 * w
    for _ in range(4):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
        u[0] = u[-1] = 0.0
    return np.sum(u ** 2)


# -- geometry and images --------------------------------------------------------------


@case("t01 total-variation denoising objective on an image with np.diff on both axes", (IMG, 0.8))
def t01(u, w):
    f = IMG[::-1]
    dx = np.diff(u, axis=1)
    dy = np.diff(u, axis=0)
    tv = np.sum(np.sqrt(dx[:-1, :] ** 2 + dy[:, :-1] ** 2 + 1e-3))
    return 0.5 * np.sum((u - f) ** 2) + w * tv


def rot_z(t):
    c, s = np.cos(t), np.sin(t)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def homogeneous(R, p):
    T = np.eye(4)
    T[:3, :3] = R
    T[:3, 3] = p
    return T


@case("k01 planar 3-link arm forward kinematics with 4x4 homogeneous transforms")
def k01(q, w):
    T = np.eye(4)
    for theta in q:
        T = T @ homogeneous(rot_z(theta), np.zeros(3)) @ homogeneous(np.eye(3), np.array([w, 0.0, 0.0]))
    tip = T[:3, 3]
    return np.sum((tip - np.array([1.0, 1.0, 0.0])) ** 2)


@case("k03 polygon area by the shoelace formula with np.roll, and its centroid", (np.array([0.0, 2.1, 1.8, 0.2, 0.1, 0.3, 1.9, 2.2]), 0.8))
def k03(xy, w):
    pts = xy.reshape(2, 4).T * w
    x, y = pts[:, 0], pts[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    A = 0.5 * cross.sum()
    cx = ((x + xn) * cross).sum() / (6 * A)
    cy = ((y + yn) * cross).sum() / (6 * A)
    return A + cx ** 2 + cy


@case("k02 ray-sphere intersection: discriminant, the nearer root, a miss returns a constant")
def k02(d, w):
    origin = np.array([0.0, 0.0, -3.0])
    direction = (d + np.array([0.0, 0.0, 1.0])) / np.linalg.norm(d + np.array([0.0, 0.0, 1.0]))
    oc = origin
    b = 2.0 * direction @ oc
    c = oc @ oc - w * w * 4
    disc = b * b - 4 * c
    if disc < 0:
        return 10.0
    t = (-b - math.sqrt(disc)) / 2.0
    hit = origin + t * direction
    return float(hit @ np.array([0.2, 0.3, 1.0]))


# -- losses, attention, Monte Carlo, clipped physics ----------------------------------


@case("q01 Huber loss with np.where and a quantile (pinball) loss with np.maximum", (X6, 0.8))
def q01(r, w):
    a = np.abs(r)
    huber = np.where(a <= w, 0.5 * r ** 2, w * (a - 0.5 * w))
    tau = 0.3
    pinball = np.maximum(tau * r, (tau - 1) * r)
    return huber.sum() + pinball.mean()


@case("a01 attention with a padding mask: np.where(mask, scores, -np.inf), softmax, weighted values", (X43, 0.8))
def a01(h, w):
    mask = np.array([True, True, True, False])
    q = h * w
    scores = q @ h.T / np.sqrt(3)
    scores = np.where(mask[None, :], scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    attn = e / e.sum(axis=-1, keepdims=True)
    return np.sum(attn @ h * X43)


@case("mc1 Monte-Carlo expectation of a payoff under N(mu, sigma) with a seeded RandomState")
def mc1(mu, w):
    rng = np.random.RandomState(42)
    z = rng.standard_normal((16, 3))
    samples = mu + w * z
    return np.mean(np.sum(np.sin(samples) ** 2, axis=1))


@case("b02 Coulomb friction with np.sign and a speed limit with min/max in Python", (X3, 0.8))
def b02(v, w):
    out = 0.0
    for vi in v:
        for _ in range(3):
            vi = vi - 0.1 * (w * np.sign(vi) + 0.5 * vi)
            vi = max(min(vi, 0.6), -0.6)
        out += vi ** 2
    return out


@case("b01 a ball under gravity with positions clipped to a box and velocity damped", (X3, 0.8))
def b01(x, w):
    v = np.array([1.0, -2.0, 0.5])
    for _ in range(5):
        v = v - 0.1 * 9.81 * np.array([0.0, 0.0, 1.0]) - 0.1 * w * v
        x = np.clip(x + 0.1 * v, -0.7, 1.2)
    return np.sum(x ** 2) + np.sum(v ** 2)
