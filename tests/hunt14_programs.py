"""Programs of the fourteenth acceptance hunt: everyday numerical Python from the sciences
and engineering, each combining a few constructs (an integrator taking the right-hand side
as a function or a lambda, pair loops over bodies, a Kalman step over a dict state, a
class per layer, np.where guards in log-likelihoods, Adam over a list of arrays, payoffs
with np.maximum, convolution loops, np.linalg solves, searchsorted interpolation,
argsort and argmin selection, recursion, scipy.special where SciPy is installed). Every
entry of CASES is (name, f, args, wrt): astgrad must give Python's derivative, or
refuse. Used by tests/test_hunt14_programs.py."""

import collections
import dataclasses
import functools
import math

import numpy as np

from program_cases import case_table

try:
    from scipy import special
except ImportError:         # the SciPy programs are left out
    special = None

X3 = np.array([0.3, -0.4, 0.9])
X6 = np.array([0.3, -0.4, 0.9, 0.1, -0.25, 0.6])
X43 = np.array([[0.3, -0.4, 0.9], [0.1, 0.2, -0.5], [-0.7, 0.4, 0.05], [0.6, -0.1, 0.3]])
W33 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.7]])
CASES, case = case_table((X3, 0.8))


# -- ODE integrators ---------------------------------------------------------------------


def euler(rhs, y0, dt, n):
    y = y0
    for _ in range(n):
        y = y + dt * rhs(y)
    return y


@case("o01 Euler loop with a lambda right-hand side closing over w")
def o01(x, w):
    y = euler(lambda y: -w * y + np.sin(y), x, 0.1, 5)
    return np.sum(y ** 2)


def rk4_step(f, t, y, h):
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


@case("o02 RK4 with a nested def right-hand side, time passed")
def o02(x, w):
    def rhs(t, y):
        return W33 @ y * w + np.cos(t)
    y, t = x, 0.0
    for _ in range(3):
        y = rk4_step(rhs, t, y, 0.1)
        t += 0.1
    return np.sum(y)


@case("o03 RK4 on a pendulum state tuple, rhs returns a np.array of two")
def o03(x, w):
    def pend(t, s):
        th, om = s
        return np.array([om, -w * np.sin(th)])
    s = np.array([x[0], x[1]])
    for i in range(4):
        s = rk4_step(pend, i * 0.05, s, 0.05)
    return s[0] ** 2 + s[1]


@case("o09 ODE with y written into a preallocated array row by row")
def o09(x, w):
    Y = np.zeros((4, 3))
    Y[0] = x
    for i in range(1, 4):
        Y[i] = Y[i - 1] + 0.1 * (-w * Y[i - 1])
    return np.sum(Y ** 2)


# -- physics -----------------------------------------------------------------------------


@case("p02 n-body potential with a pair loop over positions (3 bodies in 2D)", (np.array([[0.0, 0.1], [1.0, 0.3], [0.2, 1.4]]), 0.8))
def p02(pos, w):
    U = 0.0
    n = pos.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(pos[i] - pos[j])
            U = U - w / r
    return U


@case("p03 Lennard-Jones with itertools-free pair list comprehension", (np.array([[0.0, 0.1], [1.1, 0.3], [0.2, 1.2]]), 0.8))
def p03(pos, w):
    pairs = [(i, j) for i in range(3) for j in range(3) if i < j]
    E = 0.0
    for i, j in pairs:
        r2 = np.sum((pos[i] - pos[j]) ** 2)
        s6 = (w ** 2 / r2) ** 3
        E += 4 * (s6 ** 2 - s6)
    return E


# -- a Kalman filter ---------------------------------------------------------------------


@case("k01 a Kalman predict/update step over a dict state")
def k01(x, w):
    F = np.array([[1.0, 0.1], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    state = {"m": np.array([x[0], x[1]]), "P": np.eye(2) * w}
    for z in x:
        m = F @ state["m"]
        P = F @ state["P"] @ F.T + 0.01 * np.eye(2)
        S = H @ P @ H.T + 0.5
        K = P @ H.T / S
        state["m"] = m + (K * (z - H @ m)).ravel()
        state["P"] = (np.eye(2) - K @ H) @ P
    return np.sum(state["m"]) + np.trace(state["P"])


@case("k04 a scalar Kalman filter in a class with a step method mutating self")
def k04(x, w):
    class KF:
        def __init__(self, q):
            self.m, self.v, self.q = 0.0, 1.0, q
        def step(self, z):
            self.v = self.v + self.q
            k = self.v / (self.v + 0.3)
            self.m = self.m + k * (z - self.m)
            self.v = (1 - k) * self.v
            return self.m
    kf = KF(w)
    return sum(kf.step(z) for z in x)


# -- attention and normalisation, a class per layer --------------------------------------


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


class Linear:
    def __init__(self, W, b=None):
        self.W = W
        self.b = b
    def __call__(self, h):
        out = h @ self.W
        if self.b is not None:
            out = out + self.b
        return out


class LayerNorm:
    def __init__(self, gamma, beta, eps=1e-5):
        self.gamma, self.beta, self.eps = gamma, beta, eps
    def __call__(self, h):
        mu = h.mean(axis=-1, keepdims=True)
        var = h.var(axis=-1, keepdims=True)
        return self.gamma * (h - mu) / np.sqrt(var + self.eps) + self.beta


@case("a05 causal mask with np.triu and np.where(-inf) before softmax", (X43, 0.8))
def a05(h, w):
    s = h @ h.T * w
    mask = np.triu(np.ones((4, 4)), k=1) > 0
    s = np.where(mask, -np.inf, s)
    return np.sum(softmax(s) @ h)


@case("a08 RMSNorm as a __call__ object, parameters in a dict", (X43, 0.8))
def a08(h, w):
    class RMSNorm:
        def __init__(self, p):
            self.p = p
        def __call__(self, z):
            return z / np.sqrt(np.mean(z ** 2, axis=-1, keepdims=True) + 1e-6) * self.p["g"]
    return np.sum(RMSNorm({"g": np.ones(3) * w})(h) * X43)


# -- log-likelihoods ---------------------------------------------------------------------


def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis) if axis is not None else out.item()


@case("l01 logsumexp with keepdims/squeeze over axis 1", (X43, 0.8))
def l01(h, w):
    return np.sum(logsumexp(h * w, axis=1))


@case("l03 Bernoulli log-likelihood with np.where guarding log(0)")
def l03(x, w):
    y = np.array([1.0, 0.0, 1.0])
    p = 1 / (1 + np.exp(-x * w))
    return np.sum(np.where(y > 0, np.log(p), np.log(1 - p)))


@case("l05 Gaussian negative log-likelihood with a safe log via np.where(x > 0, x, 1)")
def l05(x, w):
    var = x ** 2
    safe = np.where(var > 0, var, 1.0)
    return 0.5 * np.sum(np.log(2 * np.pi * safe) + (w - x) ** 2 / safe)


# -- optimizers --------------------------------------------------------------------------


@case("s02 gradient descent with lr schedule from a lambda and early stop on norm")
def s02(x, w):
    sched = lambda k: w / (1 + k)
    p = x.copy()
    for k in range(5):
        g = p - W33 @ p
        if np.linalg.norm(g) < 1e-3:
            break
        p = p - sched(k) * g
    return np.sum(p ** 2)


# -- finance -----------------------------------------------------------------------------


@case("f01 European call payoff with np.maximum over simulated terminal prices")
def f01(x, w):
    z = np.array([-1.0, -0.2, 0.4, 1.3])
    S = (1.0 + x[0]) * np.exp((0.05 - 0.5 * w ** 2) + w * z)
    return np.exp(-0.05) * np.mean(np.maximum(S - 1.0, 0.0))


@case("f03 Black-Scholes with math.erf for the normal cdf")
def f03(x, w):
    def ncdf(z):
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))
    S, K, T, r, sig = 1.0 + x[2] * 0.1, 1.0, 1.0, 0.02, w * 0.3
    d1 = (math.log(S / K) + (r + sig ** 2 / 2) * T) / (sig * math.sqrt(T))
    d2 = d1 - sig * math.sqrt(T)
    return S * ncdf(d1) - K * math.exp(-r * T) * ncdf(d2)


# -- signal processing -------------------------------------------------------------------


@case("g01 a convolution written as a double loop into np.zeros", (X6, 0.8))
def g01(x, w):
    k = np.array([0.25, 0.5 * w, 0.25])
    out = np.zeros(len(x) - 2)
    for i in range(len(out)):
        for j in range(3):
            out[i] += x[i + j] * k[j]
    return np.sum(out ** 2)


@case("g02 np.convolve 'same' of a signal with a kernel depending on w", (X6, 0.8))
def g02(x, w):
    k = np.array([1.0, w, 1.0]) / (2 + w)
    return np.sum(np.convolve(x, k, mode="same") ** 2)


@case("g03 np.cumsum moving average via differences of the cumulative sum", (X6, 0.8))
def g03(x, w):
    c = np.cumsum(np.concatenate([[0.0], x * w]))
    ma = (c[3:] - c[:-3]) / 3
    return np.sum(ma ** 2)


# -- least squares, polynomials, splines -------------------------------------------------


@case("q01 least squares by solving the normal equations with np.linalg.solve", (X6, 0.8))
def q01(y, w):
    t = np.linspace(0, 1, 6)
    A = np.stack([np.ones(6), t, w * t ** 2], axis=1)
    beta = np.linalg.solve(A.T @ A, A.T @ y)
    return np.sum((A @ beta - y) ** 2) + np.sum(beta ** 2)


@case("q02 ridge with np.linalg.inv and a determinant penalty", (X6, 0.8))
def q02(y, w):
    t = np.linspace(0, 1, 6)
    A = np.stack([np.ones(6), t], axis=1)
    M = A.T @ A + w * np.eye(2)
    beta = np.linalg.inv(M) @ A.T @ y
    return np.sum(beta) + np.log(np.linalg.det(M))


@case("y01 np.polyval with coefficients built from x")
def y01(x, w):
    return np.sum(np.polyval(x, np.array([w, 0.5, -w])))


@case("y05 linear interpolation with np.searchsorted by hand")
def y05(x, w):
    knots = np.array([0.0, 0.5, 1.0, 1.5])
    vals = np.array([x[0], x[1], x[2], w])
    q = np.array([0.2, 0.7, 1.1]) * w
    i = np.clip(np.searchsorted(knots, q) - 1, 0, 2)
    t = (q - knots[i]) / (knots[i + 1] - knots[i])
    return np.sum((1 - t) * vals[i] + t * vals[i + 1])


# -- sorting and selection ---------------------------------------------------------------


@case("z03 np.argsort to reorder and a cumulative weighting")
def z03(x, w):
    order = np.argsort(x)
    return np.sum(x[order] * np.array([1.0, 2.0, 3.0]) * w)


@case("z08 argmin inside a loop picking the nearest centroid (k-means step)", (np.array([[0.3, -0.4], [0.9, 0.1], [0.2, -0.5], [-0.7, 0.4]]), np.array([[0.0, 0.0], [1.0, 0.2]])))
def z08(X, C):
    total = 0.0
    for x in X:
        d = np.sum((C - x) ** 2, axis=1)
        k = int(np.argmin(d))
        total += d[k]
    return total


# -- recursion ---------------------------------------------------------------------------


def fib_poly(x, n):
    if n <= 1:
        return x
    return fib_poly(x, n - 1) + x * fib_poly(x, n - 2)


@case("r02 tree recursion with two recursive calls")
def r02(x, w):
    return np.sum(fib_poly(x * w, 4))


@case("r05 a recursive local def (closure)")
def r05(x, w):
    def cont_frac(k):
        if k == 0:
            return w
        return w + 1.0 / (1.0 + cont_frac(k - 1))
    return cont_frac(3) * np.sum(x)


# -- objects holding functions -----------------------------------------------------------


class Stepper:
    def __init__(self, f, dt):
        self.f, self.dt = f, dt
    def run(self, y, n):
        for _ in range(n):
            y = y + self.dt * self.f(y)
        return y


@case("e27 an object with a lambda attribute called through self (module-level class)")
def e27(x, w):
    I = Stepper(lambda y: np.sin(w * y), 0.1)
    return np.sum(I.run(x, 3) ** 2)


class Base:
    def __init__(self, a):
        self.a = a
    def __call__(self, x):
        return np.tanh(self.a * x)


class Scaled(Base):
    def __call__(self, x):
        return 2.0 * super().__call__(x) + self.a


@case("e18 inheritance: a subclass overriding a method and calling super()")
def e18(x, w):
    return np.sum(Scaled(w)(x))


@case("e19 a lambda default argument capturing w at definition")
def e19(x, w):
    fs = [lambda z, k=k: z * k * w for k in (1.0, 2.0)]
    return sum(np.sum(f(x)) for f in fs)


# -- scipy.special ---------------------------------------------------------------------

if special is not None:
    @case("x01 scipy.special.gammaln in a log-likelihood")
    def x01(x, w):
        a = w + 1.0
        return np.sum((a - 1) * np.log(x ** 2 + 1) - special.gammaln(a) - (x ** 2 + 1))

    @case("x02 scipy.special.erf normal cdf and expit")
    def x02(x, w):
        return np.sum(0.5 * (1 + special.erf(x * w / np.sqrt(2)))) + np.sum(special.expit(x - w))


# -- objects holding settings ---------------------------------------------------------

class Gated:
    def __init__(self, W, config):
        self.W = W
        self.config = config

    def __call__(self, h):
        return np.tanh(self.W @ h)


@case("e30 an object holding a dict of settings its method never reads, built from w")
def e30(x, w):
    layer = Gated(W33 * w, {"scale": w, "shift": [w, 1.0]})
    return np.sum(layer(x) ** 2)


# -- a layer built by another's __init__ ---------------------------------------------------

class Scale:
    def __init__(self, a):
        self.a = a

    def __call__(self, h):
        return self.a * h


class Residual:
    def __init__(self, w, W):
        self.inner = Scale(w)
        self.W = W

    def __call__(self, h):
        return self.inner(np.tanh(self.W @ h)) + h


@case("e29 a residual block whose __init__ builds its inner layer from w, called from __call__")
def e29(x, w):
    block = Residual(w, W33)
    return np.sum(block(x) ** 2)



class Gate:
    def __init__(self, w, inner=None):
        self.inner = inner or Scale(w)      # the default: a layer built here
        self.W = W33

    def __call__(self, h):
        return self.inner(np.tanh(self.W @ h)) + h


class Block:
    def __init__(self, w, inner=None):
        if inner is None:
            inner = Scale(w * 2.0)
        self.inner = inner

    def __call__(self, h):
        return np.tanh(self.inner(h))


@case("e33 a sub-layer built from a default parameter of __init__: self.inner = inner or Scale(w)")
def e33(x, w):
    return np.sum(Gate(w)(x) ** 2)


@case("e34 blocks in a list whose __init__ builds the inner layer under if inner is None")
def e34(x, w):
    blocks = [Block(w), Block(w * 0.5, None)]
    for block in blocks:
        x = block(x)
    return np.sum(x ** 2)


# -- a generator, refused -------------------------------------------------------------------

def squares_of(v, w):           # not in CASES: tests/test_hunt14_programs.py checks the refusal
    def scaled(items):
        for a in items:
            yield a * w
    return sum(list(scaled(v)))


# -- a step copying the state it is given, then writing the copy ---------------------------

class Recurrent:
    def __init__(self, w):
        self.w = w

    def step(self, state, x):
        state = dict(state)         # a new dict: the writes below leave the caller's alone
        state["h"] = np.tanh(state["h"] * x + self.w)
        state["n"] = state["n"] + 1
        return state

    def step_through_item(self, state, x):     # not in CASES: refused, see the test
        state = dict(state)         # shares its arrays with the caller's dict
        state["h"][0] = state["h"][1] * x[0]
        return state


@case("e31 a method rebinding its state argument to dict(state) before writing it, in a loop")
def e31(x, w):
    cell = Recurrent(w)
    state = {"h": x * 0.5, "n": 0}
    first = state
    for _ in range(3):
        state = cell.step(state, x)
    return np.sum(state["h"]) * state["n"] + np.sum(first["h"] ** 2)


def scaled_head(items, w):
    items = list(items)
    items[0] = items[0] * w
    return items


@case("e32 a helper rebinding its list argument to list(items) before writing it, the old list read after")
def e32(x, w):
    pair = [np.sin(x), x * w]
    scaled = scaled_head(pair, w)
    return np.sum(scaled[0] * pair[0]) + np.sum(scaled[1])


def through_item(x, w):         # not in CASES: tests/test_hunt14_programs.py checks the refusal
    state = {"h": x * w}
    new = Recurrent(w).step_through_item(state, x)
    return np.sum(new["h"]) + np.sum(state["h"])
